#include "mcp/schema_errors.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <set>

#include "mcp/schema_validator.h"

namespace omm::mcp {

namespace {

using nlohmann::json;

enum class FailureKind { kValue, kMissing, kUnknown };

struct Candidate {
  const json* schema;
  std::string condition;  // "output.mode is \"download\"" when reached through if/then
  std::string message;    // x-message of the branch, if any
};

bool is_index(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string short_json(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

const json* child(const json& node, std::string_view key) {
  if (!node.is_object()) return nullptr;
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

// Const or enum values a (resolved) schema pins a property to; empty if none.
std::vector<json> pinned_values(const json& schema) {
  if (const json* c = child(schema, "const")) return {*c};
  if (const json* e = child(schema, "enum"); e && e->is_array()) {
    return std::vector<json>(e->begin(), e->end());
  }
  return {};
}

class Walker {
 public:
  Walker(const SchemaNavigator& nav) : nav_(nav) {}

  const json& deref(const json& node, int depth = 0) const {
    if (depth < 16) {
      if (const json* ref = child(node, "$ref"); ref && ref->is_string()) {
        if (const json* target = nav_.resolve(ref->get<std::string>())) {
          return deref(*target, depth + 1);
        }
      }
    }
    return node;
  }

  // Does `instance` satisfy the simple parts (const/enum/required/type of properties) of `cond`?
  bool simple_match(const json& cond_in, const json* instance, int depth = 0) const {
    const json& cond = deref(cond_in);
    if (depth > 8) return false;
    if (!cond.is_object()) return true;
    auto pins = pinned_values(cond);
    if (!pins.empty()) {
      if (instance == nullptr) return false;
      if (std::find(pins.begin(), pins.end(), *instance) == pins.end()) return false;
    }
    if (const json* req = child(cond, "required"); req && req->is_array()) {
      if (instance == nullptr || !instance->is_object()) return false;
      for (const auto& r : *req) {
        if (r.is_string() && !instance->contains(r.get<std::string>())) return false;
      }
    }
    if (const json* props = child(cond, "properties");
        props && props->is_object() && instance && instance->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        const json* v = child(*instance, it.key());
        if (v == nullptr) continue;  // absent properties satisfy "properties"
        if (!simple_match(*it, v, depth + 1)) return false;
      }
    }
    if (const json* all = child(cond, "allOf"); all && all->is_array()) {
      for (const auto& s : *all) {
        if (!simple_match(s, instance, depth + 1)) return false;
      }
    }
    if (const json* anyof = child(cond, "anyOf"); anyof && anyof->is_array()) {
      bool any = false;
      for (const auto& s : *anyof) any = any || simple_match(s, instance, depth + 1);
      if (!any) return false;
    }
    if (const json* n = child(cond, "not")) {
      if (simple_match(*n, instance, depth + 1) && !pinned_values(deref(*n)).empty()) return false;
      if (const json* req = child(deref(*n), "required");
          req && instance && instance->is_object()) {
        bool all_present = true;
        for (const auto& r : *req) {
          all_present = all_present && r.is_string() && instance->contains(r.get<std::string>());
        }
        if (all_present && !req->empty()) return false;
      }
    }
    return true;
  }

  // Describes the (matched) `if` schema `cond` for the object `instance` in words, e.g.
  // `output.mode is "download"`, `vcodec is not given`.
  static std::string describe_condition(const json& cond, const std::string& prefix,
                                        const Walker& w, const json* instance) {
    std::vector<std::string> parts;
    const json& c = w.deref(cond);
    if (const json* props = child(c, "properties"); props && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        // The operation discriminator already names the scope of the id ("resize.w").
        if (it.key() == "op") continue;
        std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
        const json& ps = w.deref(*it);
        const json* value =
            (instance && instance->is_object()) ? child(*instance, it.key()) : nullptr;
        auto pins = pinned_values(ps);
        if (pins.size() == 1) {
          parts.push_back(fmt::format("{} is {}", name, short_json(pins[0])));
        } else if (pins.size() > 1) {
          std::vector<std::string> vs;
          for (const auto& p : pins) vs.push_back(short_json(p));
          parts.push_back(fmt::format("{} is one of {}", name, join(vs, ", ")));
        } else if (child(ps, "not") != nullptr) {
          parts.push_back(value ? fmt::format("{} is {}", name, short_json(*value))
                                : fmt::format("{} is not given", name));
        } else {
          std::string nested = describe_condition(ps, name, w, value);
          if (!nested.empty()) parts.push_back(nested);
        }
      }
    }
    if (parts.empty()) {
      if (const json* req = child(c, "required"); req && req->is_array() && !req->empty()) {
        std::vector<std::string> names;
        for (const auto& r : *req) {
          if (!r.is_string() || r.get<std::string>() == "op") continue;
          names.push_back(prefix.empty() ? r.get<std::string>()
                                         : prefix + "." + r.get<std::string>());
        }
        if (names.empty()) return "";
        return join(names, " and ") + (names.size() == 1 ? " is given" : " are given");
      }
    }
    return join(parts, " and ");
  }

  // Expands combinators at one level, then follows `tokens[idx..]`.
  void collect(const json& node_in, const json* instance, const std::vector<std::string>& tokens,
               size_t idx, const Candidate& ctx, std::vector<Candidate>& out, int depth = 0) const {
    if (depth > 64) return;
    const json& node = deref(node_in);
    if (!node.is_object()) return;
    Candidate here = ctx;
    here.schema = &node;
    if (const json* m = child(node, "x-message"); m && m->is_string()) here.message = *m;
    if (const json* all = child(node, "allOf"); all && all->is_array()) {
      for (const auto& s : *all) collect(s, instance, tokens, idx, here, out, depth + 1);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      const json* branches = child(node, key);
      if (branches == nullptr || !branches->is_array()) continue;
      std::vector<const json*> matching;
      for (const auto& b : *branches) {
        if (discriminator_matches(b, instance)) matching.push_back(&b);
      }
      for (const json* b : matching) collect(*b, instance, tokens, idx, here, out, depth + 1);
    }
    if (const json* cond = child(node, "if")) {
      bool matched = simple_match(*cond, instance);
      const json* branch = child(node, matched ? "then" : "else");
      if (branch != nullptr) {
        Candidate c = here;
        if (matched) {
          std::string text = describe_condition(*cond, prefix_of(tokens, idx), *this, instance);
          if (!text.empty()) c.condition = text;
        }
        collect(*branch, instance, tokens, idx, c, out, depth + 1);
      }
    }
    if (idx == tokens.size()) {
      out.push_back(here);
      return;
    }
    const std::string& t = tokens[idx];
    Candidate next = here;
    next.message.clear();
    if (instance != nullptr && instance->is_array() && is_index(t)) {
      size_t i = std::stoul(t);
      const json* item = i < instance->size() ? &(*instance)[i] : nullptr;
      if (const json* items = child(node, "items")) {
        if (items->is_object()) collect(*items, item, tokens, idx + 1, next, out, depth + 1);
        if (items->is_array() && i < items->size()) {
          collect((*items)[i], item, tokens, idx + 1, next, out, depth + 1);
        }
      }
      return;
    }
    const json* value = (instance && instance->is_object()) ? child(*instance, t) : nullptr;
    if (const json* props = child(node, "properties")) {
      if (const json* p = child(*props, t)) {
        collect(*p, value, tokens, idx + 1, next, out, depth + 1);
        return;
      }
    }
    if (const json* ap = child(node, "additionalProperties"); ap && ap->is_object()) {
      collect(*ap, value, tokens, idx + 1, next, out, depth + 1);
    }
  }

  bool discriminator_matches(const json& branch_in, const json* instance) const {
    const json& branch = deref(branch_in);
    if (instance == nullptr || !instance->is_object()) return true;
    const json* props = child(branch, "properties");
    if (props == nullptr) return true;
    for (const char* key : {"op", "kind", "mode", "what", "detect"}) {
      const json* p = child(*props, key);
      const json* v = child(*instance, key);
      if (p == nullptr || v == nullptr) continue;
      auto pins = pinned_values(deref(*p));
      if (!pins.empty() && std::find(pins.begin(), pins.end(), *v) == pins.end()) return false;
    }
    return true;
  }

  static std::string prefix_of(const std::vector<std::string>& tokens, size_t idx) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < idx; ++i) {
      if (!is_index(tokens[i])) parts.push_back(tokens[i]);
    }
    return join(parts, ".");
  }

 private:
  const SchemaNavigator& nav_;
};

std::string type_name(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool type_matches(const std::string& t, const json& v) {
  if (t == "integer") return v.is_number_integer() || v.is_number_unsigned();
  if (t == "number") return v.is_number();
  return t == type_name(v);
}

std::string format_number(const json& n) { return n.dump(); }

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first constraint of `s` that `v` violates, phrased as "must …".
std::optional<std::string> violation(const json& s, const json& v) {
  if (const json* c = child(s, "const"); c && *c != v) {
    return fmt::format("must be {}", short_json(*c));
  }
  if (const json* e = child(s, "enum"); e && e->is_array()) {
    if (std::find(e->begin(), e->end(), v) == e->end()) {
      std::vector<std::string> vs;
      for (const auto& x : *e) vs.push_back(x.is_string() ? x.get<std::string>() : short_json(x));
      return fmt::format("must be one of {}", join(vs, ", "));
    }
  }
  if (const json* t = child(s, "type")) {
    std::vector<std::string> types;
    if (t->is_string()) types.push_back(*t);
    if (t->is_array()) {
      for (const auto& x : *t) {
        if (x.is_string()) types.push_back(x);
      }
    }
    bool ok = types.empty();
    for (const auto& name : types) ok = ok || type_matches(name, v);
    if (!ok) {
      std::vector<std::string> named;
      for (const auto& name : types) {
        bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
        named.push_back(name == "null" ? name : (vowel ? "an " : "a ") + name);
      }
      return fmt::format("must be {}", join(named, " or "));
    }
  }
  if (v.is_number()) {
    const json* mn = child(s, "minimum");
    const json* mx = child(s, "maximum");
    const json* emn = child(s, "exclusiveMinimum");
    const json* emx = child(s, "exclusiveMaximum");
    double d = v.get<double>();
    bool bad = (mn && mn->is_number() && d < mn->get<double>()) ||
               (mx && mx->is_number() && d > mx->get<double>()) ||
               (emn && emn->is_number() && d <= emn->get<double>()) ||
               (emx && emx->is_number() && d >= emx->get<double>());
    if (bad) {
      if (mn && mx) return fmt::format("must be {}..{}", format_number(*mn), format_number(*mx));
      if (mn) return fmt::format("must be >= {}", format_number(*mn));
      if (mx) return fmt::format("must be <= {}", format_number(*mx));
      if (emn) return fmt::format("must be > {}", format_number(*emn));
      return fmt::format("must be < {}", format_number(*emx));
    }
    if (const json* mult = child(s, "multipleOf"); mult && mult->is_number()) {
      double m = mult->get<double>();
      if (m > 0 && std::fmod(d, m) != 0)
        return fmt::format("must be a multiple of {}", mult->dump());
    }
  }
  if (v.is_string()) {
    size_t len = utf8_length(v.get<std::string>());
    const json* mn = child(s, "minLength");
    const json* mx = child(s, "maxLength");
    if ((mn && mn->is_number() && len < mn->get<size_t>()) ||
        (mx && mx->is_number() && len > mx->get<size_t>())) {
      if (mn && mx) return fmt::format("must be {}..{} characters long", mn->dump(), mx->dump());
      if (mn) return fmt::format("must be at least {} characters long", mn->dump());
      return fmt::format("must be at most {} characters long", mx->dump());
    }
    if (const json* p = child(s, "pattern"); p && p->is_string()) {
      try {
        if (!std::regex_search(v.get<std::string>(), std::regex(p->get<std::string>()))) {
          // The schema's description states the form in words; the regex is the fallback.
          if (const json* d = child(s, "description"); d && d->is_string() && !d->empty()) {
            return fmt::format("must have the form: {}", d->get<std::string>());
          }
          return fmt::format("must match {}", p->get<std::string>());
        }
      } catch (const std::regex_error&) {
      }
    }
  }
  if (v.is_array()) {
    const json* mn = child(s, "minItems");
    const json* mx = child(s, "maxItems");
    if ((mn && v.size() < mn->get<size_t>()) || (mx && v.size() > mx->get<size_t>())) {
      if (mn && mx) return fmt::format("must have {}..{} items", mn->dump(), mx->dump());
      if (mn) return fmt::format("must have at least {} items", mn->dump());
      return fmt::format("must have at most {} items", mx->dump());
    }
  }
  if (v.is_object()) {
    const json* mn = child(s, "minProperties");
    const json* mx = child(s, "maxProperties");
    if ((mn && v.size() < mn->get<size_t>()) || (mx && v.size() > mx->get<size_t>())) {
      std::vector<std::string> names;
      if (const json* props = child(s, "properties"); props && props->is_object()) {
        for (auto it = props->begin(); it != props->end(); ++it) names.push_back(it.key());
      }
      if (mx && mx->get<size_t>() == 1 && !names.empty()) {
        return fmt::format("must have exactly one of {}", join(names, ", "));
      }
      return fmt::format("must have {}..{} properties", mn ? mn->dump() : "0",
                         mx ? mx->dump() : "any");
    }
  }
  if (const json* n = child(s, "not"); n && n->is_object()) {
    if (n->empty()) return std::string("is not allowed");
    auto pins = pinned_values(*n);
    if (!pins.empty() && std::find(pins.begin(), pins.end(), v) != pins.end()) {
      return fmt::format("must not be {}", short_json(v));
    }
  }
  return std::nullopt;
}

struct Parsed {
  std::vector<std::string> tokens;
  FailureKind kind = FailureKind::kValue;
  std::string description;
};

Parsed parse_failure(const SchemaFailure& f) {
  static const std::regex kMissing("Missing required property '([^']*)'");
  static const std::regex kUnknown("constraints: '([^']*)'");
  Parsed p;
  for (const auto& c : f.context) {
    if (c == "<root>") continue;
    if (c.size() >= 2 && c.front() == '[' && c.back() == ']') {
      p.tokens.push_back(c.substr(1, c.size() - 2));
    } else {
      p.tokens.push_back(c);
    }
  }
  p.description = f.description;
  std::smatch m;
  if (std::regex_search(f.description, m, kMissing)) {
    p.kind = FailureKind::kMissing;
    p.tokens.push_back(m[1]);
  } else if (std::regex_search(f.description, m, kUnknown)) {
    p.kind = FailureKind::kUnknown;
    p.tokens.push_back(m[1]);
  }
  return p;
}

const json* value_at(const json& instance, const std::vector<std::string>& tokens) {
  const json* cur = &instance;
  for (const auto& t : tokens) {
    if (cur->is_array() && is_index(t)) {
      size_t i = std::stoul(t);
      if (i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    } else if (cur->is_object() && cur->contains(t)) {
      cur = &(*cur)[t];
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace

const json* SchemaNavigator::resolve(const std::string& ref) const {
  std::string file;
  std::string pointer = ref;
  size_t hash = ref.find('#');
  if (hash != std::string::npos) {
    file = ref.substr(0, hash);
    pointer = ref.substr(hash + 1);
  }
  const json* doc = root;
  if (!file.empty()) {
    if (catalog == nullptr) return nullptr;
    doc = catalog->document(file);
  }
  if (doc == nullptr) return nullptr;
  if (pointer.empty()) return doc;
  try {
    return &doc->at(json::json_pointer(pointer));
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string error_id_for_path(const std::vector<std::string>& tokens, const json& instance,
                              std::string_view tool, std::string* display) {
  std::string scope(tool);
  std::vector<std::string> rest;
  const json* cur = &instance;
  for (const auto& t : tokens) {
    const json* next = nullptr;
    if (cur && cur->is_array() && is_index(t)) {
      size_t i = std::stoul(t);
      next = i < cur->size() ? &(*cur)[i] : nullptr;
      if (next && next->is_object() && next->contains("op") && (*next)["op"].is_string() &&
          (*next)["op"].get<std::string>().size() <= 64) {
        scope = (*next)["op"].get<std::string>();
        rest.clear();
      }
    } else {
      if (cur && cur->is_object() && cur->contains(t)) next = &(*cur)[t];
      if (!is_index(t)) rest.push_back(t);
    }
    cur = next;
  }
  // A failing discriminator ("op" itself) names no operation: report it on the list.
  if (scope != tool && rest.size() == 1 && rest[0] == "op") {
    if (display) *display = "op";
    return "invalid_argument.operations";
  }
  if (display) *display = rest.empty() ? scope : join(rest, ".");
  std::string id = "invalid_argument.";
  id += scope;
  for (const auto& r : rest) {
    id += '.';
    id += r;
  }
  return id;
}

Status describe_failure(const std::vector<SchemaFailure>& failures, const json& instance,
                        const SchemaNavigator& nav, std::string_view tool) {
  std::vector<Parsed> parsed;
  parsed.reserve(failures.size());
  for (const auto& f : failures) parsed.push_back(parse_failure(f));
  // Deepest first; at equal depth, the first reported.
  std::stable_sort(parsed.begin(), parsed.end(), [](const Parsed& a, const Parsed& b) {
    return a.tokens.size() > b.tokens.size();
  });
  Walker walker(nav);
  const json* root = nav.root;
  for (const auto& p : parsed) {
    if (root == nullptr) break;
    std::string display;
    std::string id = error_id_for_path(p.tokens, instance, tool, &display);
    if (p.kind == FailureKind::kMissing || p.kind == FailureKind::kUnknown) {
      std::vector<std::string> parent(p.tokens.begin(), p.tokens.end() - 1);
      std::vector<Candidate> cands;
      walker.collect(*root, &instance, parent, 0, Candidate{}, cands);
      const json* obj = value_at(instance, parent);
      const std::string& name = p.tokens.back();
      if (p.kind == FailureKind::kMissing) {
        for (const auto& c : cands) {
          const json* req = child(*c.schema, "required");
          if (req == nullptr || !req->is_array()) continue;
          if (std::find(req->begin(), req->end(), json(name)) == req->end()) continue;
          if (obj != nullptr && obj->is_object() && obj->contains(name)) continue;
          if (!c.message.empty()) return Status::error(id, c.message);
          std::string msg = fmt::format("{} is required", display);
          if (!c.condition.empty()) msg += " when " + c.condition;
          return Status::error(id, msg);
        }
        continue;  // reported by a branch that does not apply (oneOf noise)
      }
      std::set<std::string> allowed;
      bool known = false;
      for (const auto& c : cands) {
        if (const json* props = child(*c.schema, "properties"); props && props->is_object()) {
          for (auto it = props->begin(); it != props->end(); ++it) allowed.insert(it.key());
        }
      }
      known = allowed.count(name) > 0;
      if (known || cands.empty()) continue;
      std::string owner = parent.empty() ? std::string(tool) : display;
      std::string scope_name = id.substr(std::string("invalid_argument.").size());
      scope_name = scope_name.substr(0, scope_name.rfind('.'));
      std::string owner_name = scope_name.empty() ? owner : scope_name;
      if (allowed.empty()) {
        return Status::error(
            id, fmt::format("{} is not a parameter of {}; it takes none", name, owner_name));
      }
      return Status::error(
          id, fmt::format("{} is not a parameter of {}; allowed: {}", name, owner_name,
                          join(std::vector<std::string>(allowed.begin(), allowed.end()), ", ")));
    }
    const json* value = value_at(instance, p.tokens);
    if (value == nullptr) continue;
    std::vector<Candidate> cands;
    walker.collect(*root, &instance, p.tokens, 0, Candidate{}, cands);
    for (const auto& c : cands) {
      auto v = violation(*c.schema, *value);
      if (!v) continue;
      if (!c.message.empty()) return Status::error(id, c.message);
      if (*v == "is not allowed") {
        std::string msg = fmt::format("{} is not allowed", display);
        if (!c.condition.empty()) msg += " when " + c.condition;
        return Status::error(id, msg);
      }
      std::string msg = fmt::format("{} {}, got {}", display, *v, short_json(*value));
      if (!c.condition.empty()) msg += " (because " + c.condition + ")";
      return Status::error(id, msg);
    }
  }
  // No specific violation found: report valijson's deepest description.
  if (!parsed.empty()) {
    const Parsed& p = parsed.front();
    std::string display;
    std::string id = error_id_for_path(p.tokens, instance, tool, &display);
    return Status::error(id, fmt::format("{}: {}", display, p.description));
  }
  return Status::error(fmt::format("invalid_argument.{}", tool), "arguments are invalid");
}

}  // namespace omm::mcp

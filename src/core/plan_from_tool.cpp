// Translates tool-call JSON into a RawRequest: only shapes and JSON types are checked here
// (objects, strings, booleans); every value rule runs in build_plan, shared with the CLI.
#include "core/plan_from_tool.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error_scope.h"
#include "core/plan_builder.h"
#include "core/raw_request.h"

namespace omm::core {
namespace {

using nlohmann::json;

std::string shown(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > 80 ? text.substr(0, 80) + "..." : text;
}

RawValue raw_from_json(const json& v) {
  RawValue r;
  r.shown = shown(v);
  bool too_big = v.is_number_unsigned() &&
                 v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max());
  if (v.is_number_integer() && !too_big) {
    r.kind = RawValue::Kind::kInt;
    r.i = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    r.kind = RawValue::Kind::kNumber;
    r.d = v.get<double>();
  } else if (v.is_string()) {
    r.kind = RawValue::Kind::kString;
    r.s = v.get<std::string>();
    r.shown = quote_text(r.s);
  } else {
    r.kind = RawValue::Kind::kOther;
  }
  return r;
}

Status read_string(const json& v, const ErrorScope& scope, std::string_view field,
                   std::optional<std::string>& out) {
  if (!v.is_string()) {
    return scope.error(field, fmt::format("{} must be a string, got {}", field, shown(v)));
  }
  out = v.get<std::string>();
  return Status::ok();
}

Status read_bool(const json& v, const ErrorScope& scope, std::string_view field, bool& out) {
  if (!v.is_boolean()) {
    return scope.error(field, fmt::format("{} must be a boolean, got {}", field, shown(v)));
  }
  out = v.get<bool>();
  return Status::ok();
}

Status read_int(const json& v, const ErrorScope& scope, std::string_view field,
                std::optional<std::int64_t>& out) {
  RawValue r = raw_from_json(v);
  if (r.kind != RawValue::Kind::kInt) {
    return scope.error(field, fmt::format("{} must be an integer, got {}", field, r.shown));
  }
  out = r.i;
  return Status::ok();
}

Status read_object_fields(const json& v, const ErrorScope& scope, std::string_view field,
                          std::span<const std::string_view> allowed) {
  if (!v.is_object()) {
    return scope.error(field, fmt::format("{} must be an object with fields {}, got {}", field,
                                          join(allowed), shown(v)));
  }
  ErrorScope inner = scope.nested(field);
  for (const auto& [key, value] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return inner.error(
          key, fmt::format("{} is not a field of {}; allowed: {}", key, field, join(allowed)));
    }
  }
  return Status::ok();
}

constexpr std::string_view kSourceFields[] = {"key", "uri"};
constexpr std::string_view kOutputFields[] = {"mode", "path", "target_key", "expires"};

Status read_source(const json& v, const ErrorScope& scope, RawRequest& raw) {
  if (Status s = read_object_fields(v, scope, "source", kSourceFields); !s) return s;
  ErrorScope inner = scope.nested("source");
  if (v.contains("key")) {
    if (Status s = read_string(v["key"], inner, "key", raw.source_key); !s) return s;
  }
  if (v.contains("uri")) {
    if (Status s = read_string(v["uri"], inner, "uri", raw.source_uri); !s) return s;
  }
  return Status::ok();
}

Status read_output(const json& v, const ErrorScope& scope, RawRequest& raw) {
  if (Status s = read_object_fields(v, scope, "output", kOutputFields); !s) return s;
  ErrorScope inner = scope.nested("output");
  raw.output_given = true;
  if (v.contains("mode")) {
    if (Status s = read_string(v["mode"], inner, "mode", raw.output_mode); !s) return s;
  }
  if (v.contains("path")) {
    if (Status s = read_string(v["path"], inner, "path", raw.output_path); !s) return s;
  }
  if (v.contains("target_key")) {
    if (Status s = read_string(v["target_key"], inner, "target_key", raw.target_key); !s) return s;
  }
  if (v.contains("expires")) {
    if (Status s = read_int(v["expires"], inner, "expires", raw.expires); !s) return s;
  }
  return Status::ok();
}

Status read_inputs(const json& v, const ErrorScope& scope, RawOp& op) {
  std::string_view shape = "inputs must be an array of {\"key\", \"position\"?, \"ss\"?, \"t\"?}";
  if (!v.is_array()) return scope.error("inputs", fmt::format("{}, got {}", shape, shown(v)));
  for (const json& item : v) {
    if (!item.is_object())
      return scope.error("inputs", fmt::format("{}, got {}", shape, shown(item)));
    RawInput in;
    for (const auto& [key, value] : item.items()) in.fields.push_back({key, raw_from_json(value)});
    op.inputs.push_back(std::move(in));
  }
  return Status::ok();
}

Result<RawOp> read_image_op(const json& item, const ErrorScope& scope) {
  if (!item.is_object()) {
    return scope.error("operations", fmt::format("each operation must be an object with \"op\", "
                                                 "got {}",
                                                 shown(item)));
  }
  auto op_name = item.find("op");
  if (op_name == item.end() || !op_name->is_string()) {
    return scope.error("operations.op", "op is required (e.g. {\"op\": \"resize\", \"w\": 600})");
  }
  std::string name = op_name->get<std::string>();
  const OpSpec* spec = find_op(name);
  if (spec == nullptr) spec = find_op_by_skill_name(name);
  if (spec == nullptr) {
    std::vector<std::string_view> allowed;
    for (const OpSpec* op : ops_for_tool("image_process")) allowed.push_back(op->name);
    return Status::error(
        "invalid_argument.operations",
        fmt::format("unknown operation {}; allowed: {}", quote_text(name, '\''), join(allowed)));
  }
  RawOp op{spec, {}, {}};
  for (const auto& [key, value] : item.items()) {
    if (key != "op") op.params.push_back({key, raw_from_json(value)});
  }
  return op;
}

// image_inspect "what", image_detect "detect", media_info / media_concat "kind".
Result<const OpSpec*> select_op(std::string_view tool, const json& args, const ErrorScope& scope) {
  std::string_view field;
  std::vector<std::string_view> choices;
  std::vector<const OpSpec*> ops = ops_for_tool(tool);
  if (tool == "image_inspect" || tool == "image_detect") {
    field = tool == "image_inspect" ? "what" : "detect";
    for (const OpSpec* op : ops) choices.push_back(op->name);
  } else if (tool == "media_info" || tool == "media_concat") {
    field = "kind";
    choices = {"video", "audio"};
  } else {
    return ops.front();
  }
  auto it = args.find(std::string(field));
  if (it == args.end()) {
    return scope.error(field, fmt::format("{} is required; one of {}", field, join(choices)));
  }
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (it->is_string() && it->get<std::string>() == choices[i]) {
      if (field != "kind") return ops[i];
      return find_op(fmt::format("{}_{}", choices[i], tool == "media_info" ? "info" : "concat"));
    }
  }
  return scope.error(field,
                     fmt::format("{} must be one of {}, got {}", field, join(choices), shown(*it)));
}

Status read_common(const std::string& key, const json& v, const ErrorScope& scope, RawRequest& raw,
                   RawOp& op) {
  if (key == "source") return read_source(v, scope, raw);
  if (key == "output") return read_output(v, scope, raw);
  if (key == "no_download") return read_bool(v, scope, key, raw.no_download);
  if (key == "dry_run") return read_bool(v, scope, key, raw.dry_run);
  if (key == "verify") return read_bool(v, scope, key, raw.verify);
  if (key == "bucket") return read_string(v, scope, key, raw.bucket);
  if (key == "region") return read_string(v, scope, key, raw.region);
  if (key == "wait_seconds") return read_int(v, scope, key, raw.wait_seconds);
  if (key == "inputs") return read_inputs(v, scope, op);
  if (key == "uri") return read_string(v, scope, key, raw.source_uri);
  if (key == "key") return read_string(v, scope, key, raw.source_key);
  if (key == "target_key") return read_string(v, scope, key, raw.target_key);
  if (key == "path") return read_string(v, scope, key, raw.output_path);
  return Status::ok();  // operations, what, detect, kind: read elsewhere
}

}  // namespace

Result<Plan> plan_from_tool(std::string_view tool_name, const json& args,
                            const PlanOptions& options) {
  const ToolSpec* tool = find_tool(tool_name);
  if (tool == nullptr) {
    std::vector<std::string_view> names;
    for (const ToolSpec& t : all_tools()) names.push_back(t.name);
    return Status::error("invalid_argument.tool",
                         fmt::format("{} has no operation plan; tools with one: {}",
                                     quote_text(tool_name), join(names)));
  }
  ErrorScope scope{std::string(tool->name)};
  static const json kEmpty = json::object();
  const json& a = args.is_null() ? kEmpty : args;
  if (!a.is_object()) {
    return scope.error("", fmt::format("arguments must be an object, got {}", shown(a)));
  }
  RawRequest raw;
  raw.tool = std::string(tool->name);
  bool process = tool->name == "image_process";
  RawOp single;
  if (!process && tool->output != OutputRule::kTransfer) {
    Result<const OpSpec*> spec = select_op(tool->name, a, scope);
    if (!spec.ok()) return spec.status();
    single.spec = *spec;
  }
  if (tool->output == OutputRule::kTransfer) single.spec = ops_for_tool(tool->name).front();

  for (const auto& [key, value] : a.items()) {
    bool common = std::find(tool->args.begin(), tool->args.end(), key) != tool->args.end();
    if (common) {
      if (Status s = read_common(key, value, scope, raw, single); !s) return s;
    } else if (!process && tool->output != OutputRule::kTransfer) {
      single.params.push_back({key, raw_from_json(value)});
    } else {
      return scope.error(key, fmt::format("{} is not an argument of {}; allowed: {}", key,
                                          tool->name, join(tool->args)));
    }
  }
  if (process) {
    auto ops = a.find("operations");
    if (ops == a.end()) return scope.error("operations", "operations is required");
    if (!ops->is_array()) {
      return scope.error("operations",
                         fmt::format("operations must be an array, got {}", shown(*ops)));
    }
    for (const json& item : *ops) {
      Result<RawOp> op = read_image_op(item, scope);
      if (!op.ok()) return op.status();
      raw.ops.push_back(std::move(*op));
    }
  } else {
    raw.ops.push_back(std::move(single));
  }
  return build_plan(raw, options);
}

}  // namespace omm::core

// Redactor: parameter forms, Authorization values and live secret values. See redactor.h.
#include "oss/redactor.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "oss/sign_request.h"

namespace omm::oss {

namespace {

// Lowercase; matched case-insensitively as whole words.
constexpr std::string_view kSecretParams[] = {
    "ossaccesskeyid",
    "signature",
    "credential",
    "x-oss-credential",
    "x-oss-signature",
    "x-oss-security-token",
    "x-acs-security-token",
    "security-token",
    "securitytoken",
    "accesskeyid",
    "accesskeysecret",
    "access_key_id",
    "access_key_secret",
    "security_token",
    "oss_access_key_id",
    "oss_access_key_secret",
    "oss_session_token",
    "alibaba_cloud_access_key_id",
    "alibaba_cloud_access_key_secret",
    "alibaba_cloud_security_token",
};
constexpr std::string_view kAuthorization = "authorization";

using Range = std::pair<size_t, size_t>;

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// The byte `%XX` at p encodes, or -1.
int pct_at(std::string_view s, size_t p) {
  if (p + 3 > s.size() || s[p] != '%') return -1;
  int hi = hex_value(s[p + 1]), lo = hex_value(s[p + 2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}
bool is_token_char(char c) {
  return is_word(c) || c == '+' || c == '/' || c == '=' || c == '%' || c == '.' || c == '~';
}

bool word_start(std::string_view s, size_t pos) {
  if (pos == 0 || !is_word(s[pos - 1])) return true;
  return pos >= 3 && pct_at(s, pos - 3) >= 0;  // `%26name=` inside an encoded URL
}

// After a parameter name at `i`: the delimiter (`=`, `%3D`, `:`, JSON `":"`). Returns the value
// start, or npos; sets `quoted` when the value opens with a quote and `colon` for header form.
size_t parse_delimiter(std::string_view s, size_t i, bool& quoted, bool& colon) {
  quoted = false;
  colon = false;
  bool json_key = false;
  if (i < s.size() && s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') i += 1;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    json_key = true;
    ++i;
  }
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '=') {
    ++i;
  } else if (s[i] == ':') {
    colon = !json_key;
    ++i;
  } else if (pct_at(s, i) == '=') {
    i += 3;
  } else {
    return std::string_view::npos;
  }
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size() && s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') i += 1;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    quoted = true;
    colon = false;
    ++i;
  }
  return i;
}

size_t value_end(std::string_view s, size_t i, bool quoted) {
  static constexpr std::string_view kStop = "&\"'<> \t\r\n,;#)]}\\";
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' || c == '\'' || c == '\\' || c == '\n' || c == '\r') break;
      continue;
    }
    if (kStop.find(c) != std::string_view::npos) break;
    int b = pct_at(s, i);
    if (b == '&' || b == '"' || b == ' ' || b == '\'' || b == '<' || b == '>') break;
  }
  return i;
}

void find_params(std::string_view s, const std::string& lower, std::vector<Range>& out) {
  for (std::string_view name : kSecretParams) {
    for (size_t pos = lower.find(name); pos != std::string::npos; pos = lower.find(name, pos + 1)) {
      size_t after = pos + name.size();
      if (!word_start(s, pos) || (after < s.size() && is_word(s[after]))) continue;
      bool quoted = false, colon = false;
      size_t vs = parse_delimiter(s, after, quoted, colon);
      if (vs == std::string_view::npos) continue;
      size_t ve = value_end(s, vs, quoted);
      if (colon) {
        // Header form: only a credential-like token, not prose after a colon.
        size_t te = vs;
        while (te < s.size() && is_token_char(s[te])) ++te;
        if (te - vs < 16) continue;
        ve = te;
      }
      if (ve > vs) out.emplace_back(vs, ve);
    }
  }
}

// The value of an Authorization header from `vs`: the scheme word stays, the rest goes.
void authorization_range(std::string_view s, size_t vs, bool quoted, std::vector<Range>& out) {
  size_t ve = vs;
  while (ve < s.size()) {
    char c = s[ve];
    if (c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\') break;
    if (!quoted && c == '&') break;
    ++ve;
  }
  size_t start = vs;
  size_t w = vs;
  while (w < ve && (is_word(s[w]) || s[w] == '.')) ++w;
  if (w > vs && w < ve && s[w] == ' ') start = w + 1;
  if (ve > start) out.emplace_back(start, ve);
}

void find_authorization(std::string_view s, const std::string& lower, std::vector<Range>& out) {
  for (size_t pos = lower.find(kAuthorization); pos != std::string::npos;
       pos = lower.find(kAuthorization, pos + 1)) {
    size_t after = pos + kAuthorization.size();
    if (!word_start(s, pos) || (after < s.size() && is_word(s[after]))) continue;
    bool quoted = false, colon = false;
    size_t vs = parse_delimiter(s, after, quoted, colon);
    if (vs == std::string_view::npos) continue;
    authorization_range(s, vs, quoted, out);
  }
  // A bare V1 value: `OSS <id>:<27 base64 chars>=`.
  for (size_t pos = s.find("OSS "); pos != std::string_view::npos; pos = s.find("OSS ", pos + 1)) {
    if (!word_start(s, pos)) continue;
    size_t i = pos + 4, id = i;
    while (i < s.size() && (is_word(s[i]) || s[i] == '.')) ++i;
    if (i == id || i >= s.size() || s[i] != ':') continue;
    size_t sig = ++i;
    while (i < s.size() && i - sig < 27 && (is_word(s[i]) || s[i] == '+' || s[i] == '/') &&
           s[i] != '-' && s[i] != '_')
      ++i;
    if (i - sig != 27 || i >= s.size() || s[i] != '=') continue;
    out.emplace_back(id, i + 1);
  }
}

std::string apply_ranges(std::string_view s, std::vector<Range>& ranges) {
  if (ranges.empty()) return std::string(s);
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  out.reserve(s.size());
  size_t at = 0;
  size_t i = 0;
  while (i < ranges.size()) {
    size_t b = ranges[i].first, e = ranges[i].second;
    for (++i; i < ranges.size() && ranges[i].first <= e; ++i) e = std::max(e, ranges[i].second);
    if (b < at) b = at;
    out.append(s.substr(at, b - at));
    out.append(kRedacted);
    at = std::max(at, e);
  }
  out.append(s.substr(at));
  return out;
}

// The end of `secret` matched at `p` in any mix of encodings, or npos.
size_t match_live(std::string_view s, size_t p, std::string_view secret) {
  for (char c : secret) {
    if (p >= s.size()) return std::string_view::npos;
    unsigned char uc = static_cast<unsigned char>(c);
    if (s[p] == c) {
      p += 1;
    } else if (c == '+' && s[p] == ' ') {
      p += 1;
    } else if (c == '/' && s[p] == '\\' && p + 1 < s.size() && s[p + 1] == '/') {
      p += 2;
    } else if (pct_at(s, p) == uc) {
      p += 3;
    } else if (pct_at(s, p) == '%' && p + 5 <= s.size() && hex_value(s[p + 3]) >= 0 &&
               hex_value(s[p + 4]) >= 0 &&
               hex_value(s[p + 3]) * 16 + hex_value(s[p + 4]) == uc) {  // %25XX: encoded twice
      p += 5;
    } else if (s[p] == '\\' && p + 5 < s.size() && s[p + 1] == 'u' && s[p + 2] == '0' &&
               s[p + 3] == '0' && hex_value(s[p + 4]) >= 0 && hex_value(s[p + 5]) >= 0 &&
               hex_value(s[p + 4]) * 16 + hex_value(s[p + 5]) == uc) {
      p += 6;
    } else {
      return std::string_view::npos;
    }
  }
  return p;
}

bool may_start(char t, char c) { return t == c || t == '%' || t == '\\' || (c == '+' && t == ' '); }

std::string redact_live(std::string_view s, const std::vector<std::string>& values) {
  if (values.empty()) return std::string(s);
  std::vector<Range> ranges;
  for (size_t p = 0; p < s.size();) {
    size_t end = std::string_view::npos;
    for (const std::string& v : values) {
      if (!may_start(s[p], v[0])) continue;
      end = match_live(s, p, v);
      if (end != std::string_view::npos) break;
    }
    if (end != std::string_view::npos) {
      ranges.emplace_back(p, end);
      p = end;
    } else {
      ++p;
    }
  }
  return apply_ranges(s, ranges);
}

bool is_secret_key(std::string_view key) {
  std::string lower = to_lower(key);
  for (std::string_view name : kSecretParams)
    if (lower == name) return true;
  return false;
}

}  // namespace

std::string redact_parameters(std::string_view text) {
  std::string lower = to_lower(text);
  std::vector<Range> ranges;
  find_params(text, lower, ranges);
  find_authorization(text, lower, ranges);
  return apply_ranges(text, ranges);
}

void Redactor::set_credentials(const Credentials& creds) {
  Values v;
  for (const std::string* s :
       {&creds.access_key_id, &creds.access_key_secret, &creds.security_token})
    if (!s->empty()) v.push_back(*s);
  std::unique_lock lock(mu_);
  generations_.push_back(std::move(v));
  if (generations_.size() > kGenerations) generations_.erase(generations_.begin());
  publish_locked();
}

void Redactor::add_secret(std::string_view value) {
  if (value.empty()) return;
  std::unique_lock lock(mu_);
  extra_.emplace_back(value);
  publish_locked();
}

void Redactor::clear() {
  std::unique_lock lock(mu_);
  generations_.clear();
  extra_.clear();
  publish_locked();
}

void Redactor::publish_locked() {
  auto all = std::make_shared<Values>();
  auto add = [&](const std::string& v) {
    if (v.size() < kMinLiveLength) return;
    if (std::find(all->begin(), all->end(), v) == all->end()) all->push_back(v);
  };
  for (const Values& g : generations_)
    for (const std::string& v : g) add(v);
  for (const std::string& v : extra_) add(v);
  // Longest first, so a value that contains another is removed whole.
  std::stable_sort(all->begin(), all->end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  live_ = std::move(all);
}

std::shared_ptr<const Redactor::Values> Redactor::snapshot() const {
  std::shared_lock lock(mu_);
  return live_;
}

std::string Redactor::redact(std::string_view text) const {
  auto live = snapshot();
  return redact_live(redact_parameters(text), *live);
}

void Redactor::redact_json(nlohmann::json& j) const {
  auto live = snapshot();
  auto one = [&](std::string_view s) { return redact_live(redact_parameters(s), *live); };
  auto walk = [&](auto& self, nlohmann::json& node) -> void {
    if (node.is_string()) {
      node = one(node.get_ref<const std::string&>());
    } else if (node.is_array()) {
      for (auto& e : node) self(self, e);
    } else if (node.is_object()) {
      bool renamed = false;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (is_secret_key(it.key()) && it.value().is_string()) {
          it.value() = std::string(kRedacted);
        } else if (to_lower(it.key()) == kAuthorization && it.value().is_string()) {
          it.value() = one("Authorization: " + it.value().get<std::string>()).substr(15);
        } else {
          self(self, it.value());
        }
        if (one(it.key()) != it.key()) renamed = true;
      }
      if (renamed) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it)
          out[one(it.key())] = std::move(it.value());
        node = std::move(out);
      }
    }
  };
  walk(walk, j);
}

RedactingSink::RedactingSink(std::shared_ptr<const Redactor> redactor, spdlog::sink_ptr inner)
    : redactor_(std::move(redactor)), inner_(std::move(inner)) {}

void RedactingSink::log(const spdlog::details::log_msg& msg) {
  if (!inner_->should_log(msg.level)) return;
  std::string clean = redactor_->redact(std::string_view(msg.payload.data(), msg.payload.size()));
  spdlog::details::log_msg copy(msg);
  copy.payload = spdlog::string_view_t(clean.data(), clean.size());
  inner_->log(copy);
}

void RedactingSink::flush() { inner_->flush(); }

void RedactingSink::set_pattern(const std::string& pattern) { inner_->set_pattern(pattern); }

void RedactingSink::set_formatter(std::unique_ptr<spdlog::formatter> formatter) {
  inner_->set_formatter(std::move(formatter));
}

std::vector<spdlog::sink_ptr> wrap_sinks(const std::vector<spdlog::sink_ptr>& sinks,
                                         const std::shared_ptr<const Redactor>& redactor) {
  std::vector<spdlog::sink_ptr> out;
  out.reserve(sinks.size());
  for (const auto& s : sinks) {
    if (std::dynamic_pointer_cast<RedactingSink>(s))
      out.push_back(s);
    else
      out.push_back(std::make_shared<RedactingSink>(redactor, s));
  }
  return out;
}

void install_redacting_logging(std::shared_ptr<const Redactor> redactor) {
  auto wrap = [&](const std::shared_ptr<spdlog::logger>& logger) {
    if (!logger) return;
    auto& sinks = logger->sinks();
    sinks = wrap_sinks(sinks, redactor);
  };
  wrap(spdlog::default_logger());
  spdlog::apply_all(wrap);
}

}  // namespace omm::oss

#include "mcp/http_guard.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace omm::mcp {

namespace {
bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
}  // namespace

bool split_host_port(std::string_view value, std::string* host, std::string* port) {
  host->clear();
  port->clear();
  if (value.empty()) return false;
  if (value.front() == '[') {
    size_t close = value.find(']');
    if (close == std::string_view::npos) return false;
    *host = to_lower(value.substr(0, close + 1));
    std::string_view rest = value.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':' || !all_digits(rest.substr(1))) return false;
    *port = std::string(rest.substr(1));
    return true;
  }
  size_t colon = value.rfind(':');
  if (colon == std::string_view::npos) {
    *host = to_lower(value);
  } else {
    if (!all_digits(value.substr(colon + 1))) return false;
    *host = to_lower(value.substr(0, colon));
    *port = std::string(value.substr(colon + 1));
  }
  if (host->empty()) return false;
  return std::all_of(host->begin(), host->end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

bool is_loopback_name(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

bool host_allowed(std::string_view host_header, const HttpGuardOptions& options) {
  std::string host;
  std::string port;
  if (!split_host_port(host_header, &host, &port)) return false;
  if (is_loopback_name(host)) return true;
  for (const auto& allowed : options.allowed_hosts) {
    std::string ah;
    std::string ap;
    if (allowed == "*") return true;
    if (!split_host_port(allowed, &ah, &ap)) continue;
    if (ah == host && (ap.empty() || ap == port)) return true;
  }
  return false;
}

bool origin_allowed(std::optional<std::string_view> origin, const HttpGuardOptions& options) {
  if (!origin) return true;
  std::string o = to_lower(*origin);
  for (const auto& allowed : options.allowed_origins) {
    if (allowed == "*" || to_lower(allowed) == o) return true;
  }
  size_t scheme_end = o.find("://");
  if (scheme_end == std::string::npos) return false;
  std::string scheme = o.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  std::string_view rest = std::string_view(o).substr(scheme_end + 3);
  if (rest.find('/') != std::string_view::npos) return false;
  std::string host;
  std::string port;
  if (!split_host_port(rest, &host, &port)) return false;
  return is_loopback_name(host);
}

bool bearer_ok(std::optional<std::string_view> authorization, const HttpGuardOptions& options) {
  if (options.auth_token.empty()) return true;
  if (!authorization) return false;
  std::string_view a = *authorization;
  constexpr std::string_view kPrefix = "Bearer ";
  if (a.size() < kPrefix.size() || to_lower(a.substr(0, kPrefix.size())) != "bearer ") return false;
  std::string_view token = a.substr(kPrefix.size());
  const std::string& want = options.auth_token;
  unsigned char diff = token.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < want.size(); ++i) {
    diff |= static_cast<unsigned char>(want[i] ^ (i < token.size() ? token[i] : 0));
  }
  return diff == 0;
}

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "q=0", "q=0.0", "q=0.000" (RFC 9110 §12.4.2): the entry is refused.
bool q_is_zero(std::string_view params) {
  size_t start = 0;
  while (start < params.size()) {
    size_t end = params.find(';', start);
    if (end == std::string_view::npos) end = params.size();
    std::string_view p = trim_ows(params.substr(start, end - start));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = trim_ows(p.substr(2));
      if (v.empty() || v[0] != '0') return false;
      for (char c : v.substr(1)) {
        if (c != '.' && c != '0') return false;
      }
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

bool content_type_is(std::string_view header, std::string_view type) {
  return iequals(trim_ows(header.substr(0, header.find(';'))), type);
}

bool accept_allows(std::optional<std::string_view> header, std::string_view type) {
  if (!header || trim_ows(*header).empty()) return true;
  const std::string_view major = type.substr(0, type.find('/'));
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t semi = entry.find(';');
    std::string_view range = trim_ows(entry.substr(0, semi));
    std::string_view params =
        semi == std::string_view::npos ? std::string_view() : entry.substr(semi + 1);
    size_t slash = range.find('/');
    if (slash == std::string_view::npos) continue;
    std::string_view r_major = range.substr(0, slash);
    std::string_view r_minor = range.substr(slash + 1);
    bool match =
        iequals(range, type) || (r_minor == "*" && (r_major == "*" || iequals(r_major, major)));
    if (match && !q_is_zero(params)) return true;
  }
  return false;
}

}  // namespace omm::mcp

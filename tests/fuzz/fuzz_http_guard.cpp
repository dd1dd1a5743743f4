// fuzz_http_guard: Host / Origin / Authorization checks of the HTTP transports.
//
// The input is split at NUL bytes into: Host header, Origin header, Authorization header,
// allowed hosts (comma-separated), allowed origins (comma-separated), bearer token. A missing
// field is an absent header / empty list. Checked: no crash; loopback hosts are always allowed;
// a host that split_host_port rejects is never allowed; an absent Origin is allowed; with a token
// set, "Bearer <token>" passes and an absent header does not.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/http_guard.h"

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_http_guard: %s\n", what);
  std::abort();
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> f = split(input, '\0');
  auto field = [&](size_t i) -> std::optional<std::string_view> {
    if (i >= f.size()) return std::nullopt;
    return std::string_view(f[i]);
  };
  omm::mcp::HttpGuardOptions options;
  if (f.size() > 3) options.allowed_hosts = split(f[3], ',');
  if (f.size() > 4) options.allowed_origins = split(f[4], ',');
  if (f.size() > 5) options.auth_token = f[5];

  std::string host;
  std::string port;
  std::string_view host_header = field(0).value_or("");
  bool split_ok = omm::mcp::split_host_port(host_header, &host, &port);
  bool allowed = omm::mcp::host_allowed(host_header, options);
  check(split_ok || !allowed, "a host that does not parse was allowed");
  if (split_ok && omm::mcp::is_loopback_name(host)) check(allowed, "loopback host refused");
  for (const char* h : {"localhost", "127.0.0.1:8765", "[::1]:1"}) {
    check(omm::mcp::host_allowed(h, options), "a loopback Host was refused");
  }

  omm::mcp::origin_allowed(field(1), options);
  check(omm::mcp::origin_allowed(std::nullopt, options), "absent Origin refused");

  omm::mcp::bearer_ok(field(2), options);
  if (!options.auth_token.empty()) {
    check(omm::mcp::bearer_ok("Bearer " + options.auth_token, options), "right token refused");
    check(!omm::mcp::bearer_ok(std::nullopt, options), "absent Authorization accepted");
    check(!omm::mcp::bearer_ok("Bearer " + options.auth_token + "x", options),
          "longer token accepted");
  } else {
    check(omm::mcp::bearer_ok(std::nullopt, options), "no token configured but refused");
  }
  return 0;
}

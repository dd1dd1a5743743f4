// Request guards for the HTTP transports: Host / Origin validation against DNS rebinding, the
// optional bearer token, and the media types of Content-Type and Accept. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omm::mcp {

struct HttpGuardOptions {
  // Extra Host header values accepted besides localhost, 127.0.0.1 and [::1] (any port):
  // "name" (any port) or "name:port".
  std::vector<std::string> allowed_hosts;
  // Extra Origin values accepted besides http(s)://localhost|127.0.0.1|[::1] (any port):
  // exact "scheme://host[:port]" or "*" for any.
  std::vector<std::string> allowed_origins;
  std::string auth_token;  // empty: no bearer check
};

// Splits "host[:port]" / "[v6]:port" into lower-cased host and port ("" when absent).
bool split_host_port(std::string_view value, std::string* host, std::string* port);
bool is_loopback_name(std::string_view host);
bool host_allowed(std::string_view host_header, const HttpGuardOptions& options);
// An absent Origin header is allowed (non-browser clients send none).
bool origin_allowed(std::optional<std::string_view> origin, const HttpGuardOptions& options);
// Constant-time comparison of "Bearer <token>".
bool bearer_ok(std::optional<std::string_view> authorization, const HttpGuardOptions& options);

// Whether a Content-Type header names exactly `type` ("application/json; charset=utf-8" does;
// "text/plain; a=application/json" does not). Case-insensitive; parameters ignored.
bool content_type_is(std::string_view header, std::string_view type);
// Whether an Accept header admits `type` ("type/subtype"): an absent or empty header does, as do
// the entries "type/subtype", "type/*" and "*/*" unless their q is 0.
bool accept_allows(std::optional<std::string_view> header, std::string_view type);

}  // namespace omm::mcp

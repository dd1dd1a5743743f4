// http(s) URLs as every HTTP client of the server reads them: the oss backend's transport
// (oss/http_client.h) and the local backend's `uri` fetches (files/uri_fetch.h) parse with the
// same rules, so a URL one accepts the other accepts too.
//
// Accepted: an absolute `http://` or `https://` URL (scheme case-insensitive) with a host (a name,
// an IPv4 literal or a bracketed IPv6 literal) and an optional port 1..65535. Refused: user info
// ("user:pass@", it would carry a secret), spaces and control characters anywhere. The fragment is
// dropped; an empty path becomes "/". The host is kept in lower case, IPv6 without brackets.
//
// Messages never show the query or user info (either may carry a signature or a password).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::net {

struct HttpUrl {
  std::string scheme;  // "http" | "https"
  std::string host;    // lower case, IPv6 without brackets
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
};

// [http.url] "<why>: <the URL as url_for_log shows it>" unless `url` is accepted (above).
Result<HttpUrl> parse_http_url(std::string_view url);

// The URL as logs and messages may show it: scheme, host, port and path; no query, no fragment,
// no user info.
std::string url_for_log(std::string_view url);

// "scheme://host:port/path" of a parsed URL, without its query (IPv6 hosts in brackets).
std::string shown(const HttpUrl& url);

// Resolves a redirect's Location header (absolute, scheme-relative, absolute-path or relative)
// against the URL that answered with it.
std::string resolve_location(const HttpUrl& base, std::string_view location);

}  // namespace omm::net

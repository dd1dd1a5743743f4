#include "net/url.h"

#include "core/ascii.h"

namespace omm::net {

namespace {

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string url_for_log(std::string_view url) {
  std::string_view text = url.substr(0, url.find_first_of("?#"));
  const size_t start = text.find("://");
  const size_t at = text.find('@');
  if (start != std::string_view::npos && at != std::string_view::npos && at > start) {
    return std::string(text.substr(0, start + 3)) + std::string(text.substr(at + 1));
  }
  return std::string(text);
}

Result<HttpUrl> parse_http_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Status::error("http.url", std::string(why) + ": " + url_for_log(url));
  };
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("not an absolute http(s) URL");
  HttpUrl u;
  u.scheme = to_lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return bad("the scheme must be http or https");
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return bad("the URL contains spaces or control characters");
  }
  const size_t auth_end = url.find_first_of("/?#", sep + 3);
  const std::string_view authority = url.substr(
      sep + 3, auth_end == std::string_view::npos ? std::string_view::npos : auth_end - sep - 3);
  if (authority.find('@') != std::string_view::npos) return bad("user info in the URL is refused");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("malformed host");
      port_text = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  u.host = to_lower(u.host);
  if (u.host.empty()) return bad("the URL has no host");
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return bad("bad port");
    int p = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return bad("bad port");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return bad("bad port");
    u.port = p;
  }
  std::string rest = auth_end == std::string_view::npos ? "" : std::string(url.substr(auth_end));
  rest = rest.substr(0, rest.find('#'));
  if (rest.empty() || rest.front() == '?') rest = "/" + rest;
  u.target = std::move(rest);
  return u;
}

std::string shown(const HttpUrl& u) {
  return u.scheme + "://" + bracketed(u.host) + ":" + std::to_string(u.port) +
         u.target.substr(0, u.target.find('?'));
}

std::string resolve_location(const HttpUrl& base, std::string_view location) {
  const size_t scheme_end = location.find("://");
  if (scheme_end != std::string_view::npos && scheme_end < location.find_first_of("/?#")) {
    return std::string(location);
  }
  if (location.rfind("//", 0) == 0) return base.scheme + ":" + std::string(location);
  const std::string origin =
      base.scheme + "://" + bracketed(base.host) + ":" + std::to_string(base.port);
  if (!location.empty() && location.front() == '/') return origin + std::string(location);
  std::string path = base.target.substr(0, base.target.find('?'));
  path = path.substr(0, path.rfind('/') + 1);
  return origin + path + std::string(location);
}

}  // namespace omm::net

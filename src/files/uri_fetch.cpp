#include "files/uri_fetch.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "files/address_policy.h"

namespace omm::files {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The URL as logs and messages show it: without its query (it may carry a signature).
std::string shown(const ParsedUrl& u) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  return fmt::format("{}://{}:{}{}", u.scheme, host, u.port,
                     u.target.substr(0, u.target.find('?')));
}

Result<std::vector<std::string>> resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    return Status::error("source.fetch_failed",
                         fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc)));
  }
  std::vector<std::string> out;
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
        ::inet_ntop(a->ai_family, src, buf, sizeof buf) != nullptr) {
      std::string s = buf;
      bool seen = false;
      for (const auto& o : out) seen = seen || o == s;
      if (!seen) out.push_back(s);
    }
  }
  ::freeaddrinfo(list);
  if (out.empty()) {
    return Status::error("source.fetch_failed", fmt::format("{} has no IPv4/IPv6 address", host));
  }
  return out;
}

std::unique_ptr<httplib::ClientImpl> make_client(const ParsedUrl& u, const FetchOptions& o) {
  std::unique_ptr<httplib::ClientImpl> c;
  if (u.scheme == "https") {
    auto ssl = std::make_unique<httplib::SSLClient>(u.host, u.port);
    ssl->enable_server_certificate_verification(true);
    c = std::move(ssl);
  } else {
    c = std::make_unique<httplib::ClientImpl>(u.host, u.port);
  }
  c->set_connection_timeout(o.connect_timeout);
  c->set_read_timeout(o.read_timeout);
  c->set_write_timeout(o.connect_timeout);
  c->set_follow_location(false);
  c->set_keep_alive(false);
  c->set_decompress(false);
  return c;
}

}  // namespace

Result<ParsedUrl> parse_http_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    // Shown without its query and user info: either may carry a secret.
    std::string text = url.substr(0, url.find_first_of("?#"));
    size_t at = text.find('@');
    size_t start = text.find("://");
    if (at != std::string::npos && start != std::string::npos && start < at) {
      text.erase(start + 3, at + 1 - (start + 3));
    }
    return Status::error("source.bad_url", fmt::format("{}: {}", why, text));
  };
  size_t sep = url.find("://");
  if (sep == std::string::npos) return bad("not an absolute http(s) URL");
  ParsedUrl u;
  u.scheme = lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return bad("the scheme must be http or https");
  size_t auth_end = url.find_first_of("/?#", sep + 3);
  std::string authority =
      url.substr(sep + 3, auth_end == std::string::npos ? std::string::npos : auth_end - sep - 3);
  if (authority.find('@') != std::string::npos) return bad("user info in the URL is refused");
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return bad("the URL contains spaces or control characters");
  }
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad("unterminated IPv6 literal");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("malformed host");
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  u.host = lower(u.host);
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
  std::string rest = auth_end == std::string::npos ? "" : url.substr(auth_end);
  rest = rest.substr(0, rest.find('#'));
  if (rest.empty() || rest.front() == '?') rest = "/" + rest;
  u.target = rest;
  return u;
}

std::string resolve_location(const ParsedUrl& base, const std::string& location) {
  if (location.find("://") != std::string::npos &&
      location.find("://") < location.find_first_of("/?#")) {
    return location;
  }
  std::string host = base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host;
  std::string origin = fmt::format("{}://{}:{}", base.scheme, host, base.port);
  if (location.rfind("//", 0) == 0) return base.scheme + ":" + location;
  if (!location.empty() && location.front() == '/') return origin + location;
  std::string path = base.target.substr(0, base.target.find('?'));
  path = path.substr(0, path.rfind('/') + 1);
  return origin + path + location;
}

namespace {

Result<std::uint64_t> fetch_hops(const std::string& url, const std::string& dest,
                                 const FetchOptions& options) {
  std::string current = url;
  auto started = SteadyClock::now();
  for (int hop = 0;; ++hop) {
    auto parsed = parse_http_url(current);
    if (!parsed.ok()) {
      if (hop == 0) return parsed.status();
      return Status::error(
          "source.fetch_refused",
          "a redirect points to something other than an http(s) URL: " + parsed.status().message());
    }
    const ParsedUrl& u = *parsed;
    auto addresses = resolve(u.host);
    if (!addresses.ok()) return addresses.status();
    if (!options.allow_private) {
      for (const auto& a : *addresses) {
        AddressClass c = options.classify ? options.classify(a) : classify_address(a);
        if (!is_public(c)) {
          return Status::error(
              "source.fetch_refused",
              fmt::format("{} {} address{}; the server refuses to fetch from loopback, private, "
                          "link-local and other non-public addresses unless started with "
                          "--allow-private-uri",
                          u.host == a ? u.host + " is a" : u.host + " resolves to " + a + ", a",
                          to_string(c), hop > 0 ? " (after a redirect)" : ""));
        }
      }
    }
    // Connect to the address just checked, not to a second DNS answer.
    auto client = make_client(u, options);
    client->set_hostname_addr_map({{u.host, addresses->front()}});

    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(dest.c_str(), "wb"),
                                                        &std::fclose);
    if (!out) {
      return Status::error("local.io", fmt::format("cannot create {}", dest));
    }
    int status = 0;
    std::string location;
    std::uint64_t written = 0;
    Status failure;
    httplib::Headers headers{{"Accept-Encoding", "identity"}, {"User-Agent", "oss-media-mcp"}};
    auto res = client->Get(
        u.target, headers,
        [&](const httplib::Response& r) {
          status = r.status;
          if (status >= 300 && status < 400) {
            location = r.get_header_value("Location");
            return false;
          }
          if (status < 200 || status >= 300) return false;
          if (r.has_header("Content-Length")) {
            std::uint64_t n =
                std::strtoull(r.get_header_value("Content-Length").c_str(), nullptr, 10);
            if (n > options.max_bytes) {
              failure =
                  Status::error("source.too_large",
                                fmt::format("{} is {} bytes; the limit (--max-fetch-bytes) is {}",
                                            shown(u), n, options.max_bytes));
              return false;
            }
          }
          return true;
        },
        [&](const char* data, size_t len) {
          if (options.cancelled && options.cancelled()) {
            failure = Status::error("cancelled", "the call was cancelled");
            return false;
          }
          if (SteadyClock::now() - started > options.total_timeout) {
            failure = Status::error("source.fetch_failed",
                                    fmt::format("fetching {} took longer than {} s", shown(u),
                                                options.total_timeout.count()));
            return false;
          }
          written += len;
          if (written > options.max_bytes) {
            failure = Status::error("source.too_large",
                                    fmt::format("{} is larger than the limit (--max-fetch-bytes) "
                                                "of {} bytes",
                                                shown(u), options.max_bytes));
            return false;
          }
          return std::fwrite(data, 1, len, out.get()) == len;
        });
    bool flushed = std::fflush(out.get()) == 0;
    out.reset();
    auto fail = [&](Status s) -> Result<std::uint64_t> {
      std::remove(dest.c_str());
      return s;
    };
    if (!failure.is_ok()) return fail(failure);
    if (status >= 300 && status < 400) {
      if (location.empty()) {
        return fail(
            Status::error("source.fetch_failed",
                          fmt::format("{} answered HTTP {} without a Location", shown(u), status)));
      }
      if (hop + 1 > options.max_redirects) {
        return fail(
            Status::error("source.fetch_refused",
                          fmt::format("more than {} redirects starting at {}",
                                      options.max_redirects, url.substr(0, url.find('?')))));
      }
      current = resolve_location(u, location);
      spdlog::debug("uri source: {} redirects ({})", shown(u), status);
      continue;
    }
    if (status != 0 && (status < 200 || status >= 300)) {
      return fail(Status::error("source.fetch_failed",
                                fmt::format("{} answered HTTP {}", shown(u), status)));
    }
    if (!res) {
      return fail(Status::error(
          "source.fetch_failed",
          fmt::format("fetching {} failed: {}", shown(u), httplib::to_string(res.error()))));
    }
    if (!flushed) return fail(Status::error("local.io", fmt::format("cannot write {}", dest)));
    return written;
  }
}

}  // namespace

Result<std::uint64_t> fetch_to_file(const std::string& url, const std::string& dest,
                                    const FetchOptions& options) {
  auto r = fetch_hops(url, dest, options);
  if (!r.ok()) std::remove(dest.c_str());  // also what an earlier hop (a redirect) created
  return r;
}

}  // namespace omm::files

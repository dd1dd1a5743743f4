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
#include "net/httplib_client.h"

namespace omm::files {

namespace {

using SteadyClock = std::chrono::steady_clock;

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

}  // namespace

Result<net::HttpUrl> parse_http_url(const std::string& url) {
  auto parsed = net::parse_http_url(url);
  if (!parsed.ok()) return Status::error("source.bad_url", parsed.status().message());
  return parsed;
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
    const net::HttpUrl& u = *parsed;
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
    net::ClientSettings settings;
    settings.connect_timeout = options.connect_timeout;
    settings.read_timeout = options.read_timeout;
    settings.write_timeout = options.connect_timeout;
    auto client = net::make_client(u, settings);
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
                                            net::shown(u), n, options.max_bytes));
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
                                    fmt::format("fetching {} took longer than {} s", net::shown(u),
                                                options.total_timeout.count()));
            return false;
          }
          written += len;
          if (written > options.max_bytes) {
            failure = Status::error("source.too_large",
                                    fmt::format("{} is larger than the limit (--max-fetch-bytes) "
                                                "of {} bytes",
                                                net::shown(u), options.max_bytes));
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
        return fail(Status::error(
            "source.fetch_failed",
            fmt::format("{} answered HTTP {} without a Location", net::shown(u), status)));
      }
      if (hop + 1 > options.max_redirects) {
        return fail(
            Status::error("source.fetch_refused",
                          fmt::format("more than {} redirects starting at {}",
                                      options.max_redirects, url.substr(0, url.find('?')))));
      }
      current = net::resolve_location(u, location);
      spdlog::debug("uri source: {} redirects ({})", net::shown(u), status);
      continue;
    }
    if (status != 0 && (status < 200 || status >= 300)) {
      return fail(Status::error("source.fetch_failed",
                                fmt::format("{} answered HTTP {}", net::shown(u), status)));
    }
    if (!res) {
      return fail(Status::error(
          "source.fetch_failed",
          fmt::format("fetching {} failed: {}", net::shown(u), httplib::to_string(res.error()))));
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

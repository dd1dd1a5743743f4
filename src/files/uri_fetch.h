// Fetching an http(s) `uri` source into a local file (DESIGN.md "Sources"), for the local backend.
//
// Every hop (the URL and each redirect, followed by hand, at most `max_redirects`) is parsed
// (net/url.h),
// its host resolved, and every resolved address checked with address_policy.h; the connection
// then goes to the checked address (httplib's hostname→address map, so a second DNS answer
// cannot swap in another address; TLS still verifies the certificate against the host name).
// The size is checked on Content-Length and again while streaming to disk. On any failure the
// destination file is removed.
//
// Error ids: source.bad_url (not an http(s) URL, user info, bad port), source.fetch_refused (a
// non-public address, a redirect to another scheme, too many redirects), source.too_large,
// source.fetch_failed (DNS, connection, TLS, timeout, or an HTTP status other than 2xx/3xx,
// which the message names), cancelled. Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "files/address_policy.h"
#include "net/url.h"

namespace omm::files {

inline constexpr std::uint64_t kDefaultMaxFetchBytes = 256ull << 20;  // 256 MiB

struct FetchOptions {
  std::uint64_t max_bytes = kDefaultMaxFetchBytes;  // --max-fetch-bytes
  bool allow_private = false;                       // --allow-private-uri
  int max_redirects = 5;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds read_timeout{30};    // per read
  std::chrono::seconds total_timeout{300};  // the whole transfer
  std::function<bool()> cancelled;          // may be empty
  // The address check; empty: classify_address. A seam for tests, which have only loopback.
  std::function<AddressClass(std::string_view)> classify;
};

// net::parse_http_url with this unit's id: [source.bad_url] "<why>: <URL without query>".
Result<net::HttpUrl> parse_http_url(const std::string& url);

// Fetches `url` into `dest` (created or truncated). Returns the number of bytes written.
Result<std::uint64_t> fetch_to_file(const std::string& url, const std::string& dest,
                                    const FetchOptions& options);

}  // namespace omm::files

// Where OSS requests go (oss_protocol.md §3.1, §3.2): the endpoint of a region — public
// `oss-<region>.aliyuncs.com` or internal `oss-<region>-internal.aliyuncs.com`, https — or a
// custom endpoint (`host`, `host:port` or `scheme://host[:port]`, from --endpoint /
// ALIBABA_CLOUD_OSS_ENDPOINT), and the addressing style: virtual-hosted
// (`https://<bucket>.<host>/<key>`, what real OSS requires) or path-style
// (`http://<host>/<bucket>/<key>`, for emulators; chosen automatically when the host is an IP
// address or localhost). Keys go into the path percent-encoded with '/' kept. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::oss {

enum class Addressing { kAuto, kVirtualHosted, kPath };

struct OssEndpoint {
  std::string scheme;  // "https" | "http"
  std::string host;    // "oss-cn-hangzhou.aliyuncs.com", "127.0.0.1:9000", "[::1]:9000"
  bool path_style = false;
};

// [oss.config.region] for a missing or malformed region when no endpoint is given;
// [oss.config.endpoint] for an endpoint that is not host[:port] with an optional http(s) scheme
// and an optional trailing '/'.
Result<OssEndpoint> resolve_oss_endpoint(std::string_view region, std::string_view endpoint,
                                         bool internal, Addressing addressing);

// "scheme://bucket.host/key?query" or "scheme://host/bucket/key?query". `query_string` is
// already encoded (the signer's); an empty key addresses the bucket ("/" or "/bucket/").
std::string oss_url(const OssEndpoint& ep, std::string_view bucket, std::string_view key,
                    std::string_view query_string);

// True for an IPv4 or IPv6 literal (brackets and port allowed) or "localhost".
bool is_ip_or_localhost(std::string_view host);

// A region id: lowercase letters, digits and '-', 2..64 characters.
bool valid_region(std::string_view region);

}  // namespace omm::oss

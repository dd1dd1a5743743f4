#include "oss/oss_endpoint.h"

#include <arpa/inet.h>

#include "oss/percent_encode.h"
#include "oss/sign_request.h"

namespace omm::oss {

bool valid_region(std::string_view region) {
  if (region.size() < 2 || region.size() > 64) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool is_ip_or_localhost(std::string_view host) {
  std::string h(host);
  if (!h.empty() && h.front() == '[') {
    const size_t close = h.find(']');
    if (close == std::string::npos) return false;
    h = h.substr(1, close - 1);
    in6_addr a6{};
    return ::inet_pton(AF_INET6, h.c_str(), &a6) == 1;
  }
  if (h.find(':') != h.rfind(':')) {  // bare IPv6 (several colons)
    in6_addr a6{};
    return ::inet_pton(AF_INET6, h.c_str(), &a6) == 1;
  }
  h = h.substr(0, h.find(':'));
  if (to_lower(h) == "localhost") return true;
  in_addr a4{};
  return ::inet_pton(AF_INET, h.c_str(), &a4) == 1;
}

Result<OssEndpoint> resolve_oss_endpoint(std::string_view region, std::string_view endpoint,
                                         bool internal, Addressing addressing) {
  OssEndpoint ep;
  ep.scheme = "https";
  if (endpoint.empty()) {
    if (!valid_region(region)) {
      return Status::error(
          "oss.config.region",
          "region must be a region id like cn-hangzhou, got '" + std::string(region) + "'");
    }
    ep.host = "oss-" + std::string(region) + (internal ? "-internal" : "") + ".aliyuncs.com";
  } else {
    std::string e(endpoint);
    const size_t sep = e.find("://");
    if (sep != std::string::npos) {
      ep.scheme = to_lower(e.substr(0, sep));
      e = e.substr(sep + 3);
    }
    while (!e.empty() && e.back() == '/') e.pop_back();
    bool ok = (ep.scheme == "http" || ep.scheme == "https") && !e.empty();
    for (unsigned char c : e) {
      ok = ok && c > 0x20 && c != 0x7f && c != '/' && c != '?' && c != '#' && c != '@';
    }
    if (!ok) {
      return Status::error("oss.config.endpoint",
                           "endpoint must be host[:port] with an optional http:// or https://, "
                           "got '" +
                               std::string(endpoint) + "'");
    }
    ep.host = e;
  }
  switch (addressing) {
    case Addressing::kAuto:
      ep.path_style = is_ip_or_localhost(ep.host);
      break;
    case Addressing::kPath:
      ep.path_style = true;
      break;
    case Addressing::kVirtualHosted:
      ep.path_style = false;
      break;
  }
  return ep;
}

std::string oss_url(const OssEndpoint& ep, std::string_view bucket, std::string_view key,
                    std::string_view query_string) {
  std::string url = ep.scheme + "://";
  if (!ep.path_style && !bucket.empty()) url += std::string(bucket) + ".";
  url += ep.host;
  if (ep.path_style && !bucket.empty()) url += "/" + std::string(bucket);
  url += "/" + percent_encode(key, Slash::kKeep);
  if (!query_string.empty()) url += "?" + std::string(query_string);
  return url;
}

}  // namespace omm::oss

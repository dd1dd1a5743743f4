#include "files/address_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace omm::files {

namespace {

AddressClass classify_v4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) {
    std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x00000000, 8)) return AddressClass::kUnspecified;  // 0.0.0.0/8 "this network"
  if (in(0x7f000000, 8)) return AddressClass::kLoopback;
  if (in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16)) return AddressClass::kPrivate;
  if (in(0x64400000, 10)) return AddressClass::kSharedCgnat;
  if (in(0xa9fe0000, 16)) return AddressClass::kLinkLocal;
  if (in(0xe0000000, 4)) return AddressClass::kMulticast;
  if (in(0xf0000000, 4)) return AddressClass::kReserved;  // includes 255.255.255.255
  if (in(0xc0000200, 24) || in(0xc6336400, 24) || in(0xcb007100, 24)) {
    return AddressClass::kDocumentation;  // TEST-NET-1, -2, -3
  }
  if (in(0xc0000000, 24) || in(0xc6120000, 15) || in(0xc0586300, 24)) {
    return AddressClass::kReserved;  // protocol assignments, benchmarking, 6to4 relays
  }
  return AddressClass::kPublic;
}

}  // namespace

AddressClass classify_address(std::string_view numeric) {
  std::string text(numeric);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return classify_v4(ntohl(v4.s_addr));
  // A zone index ("fe80::1%eth0") is not part of the address.
  if (size_t pct = text.find('%'); pct != std::string::npos) text.resize(pct);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return AddressClass::kInvalid;
  const unsigned char* b = v6.s6_addr;
  static const unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 16) == 0) return AddressClass::kUnspecified;
  bool first80_zero = std::memcmp(b, kZero, 10) == 0;
  if (first80_zero && b[10] == 0 && b[11] == 0 && std::memcmp(b + 12, kZero, 3) == 0 &&
      b[15] == 1) {
    return AddressClass::kLoopback;  // ::1
  }
  if (first80_zero && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0))) {
    std::uint32_t a = (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
                      (std::uint32_t{b[14]} << 8) | b[15];
    return classify_v4(a);  // IPv4-mapped or IPv4-compatible
  }
  auto v4_at = [b](int i) {
    return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) |
           (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
  };
  auto prefix = [b](std::initializer_list<unsigned char> bytes, int bits) {
    int i = 0;
    for (unsigned char want : bytes) {
      int take = std::min(8, bits - 8 * i);
      if (take <= 0) break;
      unsigned char mask = static_cast<unsigned char>(0xff << (8 - take));
      if ((b[i] & mask) != (want & mask)) return false;
      ++i;
    }
    return true;
  };
  static const unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b};
  if (std::memcmp(b, kNat64, 12) == 0) return classify_v4(v4_at(12));  // 64:ff9b::/96
  if (b[0] == 0x20 && b[1] == 0x02) return classify_v4(v4_at(2));      // 6to4 2002::/16
  if (prefix({0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return AddressClass::kReserved;
  if (prefix({0x20, 0x01, 0x0d, 0xb8}, 32) || prefix({0x3f, 0xff}, 20)) {
    return AddressClass::kDocumentation;
  }
  if (prefix({0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64) || prefix({0x20, 0x01, 0x00}, 23) ||
      prefix({0x5f, 0x00}, 16)) {
    return AddressClass::kReserved;  // discard, IETF protocol assignments (Teredo…), SRv6
  }
  if (b[0] == 0xff) return AddressClass::kMulticast;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kUniqueLocal;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
    return AddressClass::kReserved;  // deprecated site-local
  return AddressClass::kPublic;
}

std::string_view to_string(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kSharedCgnat:
      return "shared (CGNAT)";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUniqueLocal:
      return "unique-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kDocumentation:
      return "documentation";
    case AddressClass::kReserved:
      return "reserved";
    case AddressClass::kInvalid:
      return "invalid";
  }
  return "invalid";
}

}  // namespace omm::files

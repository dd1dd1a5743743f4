// Which network addresses an http(s) `uri` source may be fetched from (DESIGN.md "Sources").
//
// Only global unicast addresses are public (the IANA special-purpose registries, RFC 6890).
// Refused unless the operator passes --allow-private-uri: loopback, private (10/8, 172.16/12,
// 192.168/16), shared/CGNAT (100.64/10), link-local (169.254/16, fe80::/10), unique-local
// (fc00::/7), unspecified (0/8, ::), multicast (224/4, ff00::/8), documentation (192.0.2/24,
// 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20) and reserved ranges (240/4 and the
// broadcast address, 192.0.0/24 protocol assignments, 198.18/15 benchmarking, 192.88.99/24 6to4
// relays; 100::/64 discard, 2001::/23 protocol assignments such as Teredo and benchmarking,
// 64:ff9b:1::/48 local NAT64, 5f00::/16). IPv6 addresses that carry an IPv4 address — mapped
// (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::)
// — are judged by it. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace omm::files {

enum class AddressClass {
  kPublic,
  kLoopback,
  kPrivate,
  kSharedCgnat,
  kLinkLocal,
  kUniqueLocal,
  kUnspecified,
  kMulticast,
  kDocumentation,
  kReserved,
  kInvalid,  // not a numeric IPv4/IPv6 address
};

// Classifies a numeric address ("8.8.8.8", "::ffff:10.0.0.1", "fe80::1").
AddressClass classify_address(std::string_view numeric);
// "loopback", "private", … for messages.
std::string_view to_string(AddressClass c);
inline bool is_public(AddressClass c) { return c == AddressClass::kPublic; }

}  // namespace omm::files

// Which network addresses an http(s) `uri` source may be fetched from (DESIGN.md "Sources").
//
// Loopback, private (10/8, 172.16/12, 192.168/16), shared/CGNAT (100.64/10), link-local
// (169.254/16, fe80::/10), unique-local (fc00::/7), unspecified (0/8, ::), multicast (224/4,
// ff00::/8) and reserved/broadcast (240/4) addresses are refused unless the operator passes
// --allow-private-uri; IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) IPv6
// addresses are judged by their IPv4 part. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace omm::local {

enum class AddressClass {
  kPublic,
  kLoopback,
  kPrivate,
  kSharedCgnat,
  kLinkLocal,
  kUniqueLocal,
  kUnspecified,
  kMulticast,
  kReserved,
  kInvalid,  // not a numeric IPv4/IPv6 address
};

// Classifies a numeric address ("203.0.113.7", "::ffff:10.0.0.1", "fe80::1").
AddressClass classify_address(std::string_view numeric);
// "loopback", "private", … for messages.
std::string_view to_string(AddressClass c);
inline bool is_public(AddressClass c) { return c == AddressClass::kPublic; }

}  // namespace omm::local

#include "files/address_policy.h"

#include <doctest/doctest.h>

using omm::files::AddressClass;
using omm::files::classify_address;

TEST_CASE("address policy: every non-public range is recognised, IPv4 inside IPv6 too") {
  struct Case {
    const char* address;
    AddressClass want;
  } cases[] = {
      {"8.8.8.8", AddressClass::kPublic},
      {"203.0.112.255", AddressClass::kPublic},
      {"203.0.114.0", AddressClass::kPublic},
      {"198.17.255.255", AddressClass::kPublic},
      {"198.20.0.0", AddressClass::kPublic},
      {"192.0.1.255", AddressClass::kPublic},
      {"203.0.113.7", AddressClass::kDocumentation},
      {"192.0.2.1", AddressClass::kDocumentation},
      {"198.51.100.200", AddressClass::kDocumentation},
      {"198.18.0.1", AddressClass::kReserved},
      {"198.19.255.255", AddressClass::kReserved},
      {"192.0.0.8", AddressClass::kReserved},
      {"192.88.99.1", AddressClass::kReserved},
      {"2001:db8::1", AddressClass::kDocumentation},
      {"3fff:fff::1", AddressClass::kDocumentation},
      {"64:ff9b::7f00:1", AddressClass::kLoopback},
      {"64:ff9b::a00:1", AddressClass::kPrivate},
      {"64:ff9b::808:808", AddressClass::kPublic},
      {"64:ff9b:1::1", AddressClass::kReserved},
      {"2002:c0a8:101::1", AddressClass::kPrivate},
      {"2002:808:808::1", AddressClass::kPublic},
      {"2001::1", AddressClass::kReserved},
      {"2001:2::1", AddressClass::kReserved},
      {"100::1", AddressClass::kReserved},
      {"5f00::1", AddressClass::kReserved},
      {"172.15.255.255", AddressClass::kPublic},
      {"172.32.0.0", AddressClass::kPublic},
      {"100.63.255.255", AddressClass::kPublic},
      {"100.128.0.0", AddressClass::kPublic},
      {"223.255.255.255", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.255.254", AddressClass::kLoopback},
      {"10.0.0.1", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kSharedCgnat},
      {"100.127.255.255", AddressClass::kSharedCgnat},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0.1.2.3", AddressClass::kUnspecified},
      {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.250", AddressClass::kMulticast},
      {"240.0.0.1", AddressClass::kReserved},
      {"255.255.255.255", AddressClass::kReserved},
      {"2001:4860:4860::8888", AddressClass::kPublic},
      {"2606:4700::1111", AddressClass::kPublic},
      {"::1", AddressClass::kLoopback},
      {"::", AddressClass::kUnspecified},
      {"fe80::1", AddressClass::kLinkLocal},
      {"fe80::1%eth0", AddressClass::kLinkLocal},
      {"febf:ffff::1", AddressClass::kLinkLocal},
      {"fc00::1", AddressClass::kUniqueLocal},
      {"fd12:3456:789a::1", AddressClass::kUniqueLocal},
      {"ff02::1", AddressClass::kMulticast},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:7f00:1", AddressClass::kLoopback},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::192.168.0.1", AddressClass::kPrivate},
      {"localhost", AddressClass::kInvalid},
      {"999.1.1.1", AddressClass::kInvalid},
      {"", AddressClass::kInvalid},
  };
  for (const auto& c : cases) {
    CAPTURE(c.address);
    CHECK(omm::files::to_string(classify_address(c.address)) == omm::files::to_string(c.want));
  }
}

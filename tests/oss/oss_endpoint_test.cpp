#include "oss/oss_endpoint.h"

#include <doctest/doctest.h>

using namespace omm::oss;

TEST_CASE("oss endpoint: region forms, custom endpoints, addressing") {
  struct Case {
    const char* region;
    const char* endpoint;
    bool internal;
    Addressing addressing;
    const char* url;  // of bucket "bkt", key "a b/c+d.jpg", query "x=1"; or the error id
  } cases[] = {
      {"cn-hangzhou", "", false, Addressing::kAuto,
       "https://bkt.oss-cn-hangzhou.aliyuncs.com/a%20b/c%2Bd.jpg?x=1"},
      {"cn-hangzhou", "", true, Addressing::kAuto,
       "https://bkt.oss-cn-hangzhou-internal.aliyuncs.com/a%20b/c%2Bd.jpg?x=1"},
      {"cn-hangzhou", "http://127.0.0.1:9000/", false, Addressing::kAuto,
       "http://127.0.0.1:9000/bkt/a%20b/c%2Bd.jpg?x=1"},
      {"", "localhost:9000", false, Addressing::kAuto,
       "https://localhost:9000/bkt/a%20b/c%2Bd.jpg?x=1"},
      {"", "http://[::1]:9000", false, Addressing::kAuto,
       "http://[::1]:9000/bkt/a%20b/c%2Bd.jpg?x=1"},
      {"", "oss-cn-beijing.aliyuncs.com", false, Addressing::kAuto,
       "https://bkt.oss-cn-beijing.aliyuncs.com/a%20b/c%2Bd.jpg?x=1"},
      {"", "http://emu.test:8080", false, Addressing::kPath,
       "http://emu.test:8080/bkt/a%20b/c%2Bd.jpg?x=1"},
      {"", "http://127.0.0.1:1", false, Addressing::kVirtualHosted,
       "http://bkt.127.0.0.1:1/a%20b/c%2Bd.jpg?x=1"},
      {"", "", false, Addressing::kAuto, "oss.config.region"},
      {"CN_HZ", "", false, Addressing::kAuto, "oss.config.region"},
      {"", "ftp://h", false, Addressing::kAuto, "oss.config.endpoint"},
      {"", "http://h/path", false, Addressing::kAuto, "oss.config.endpoint"},
      {"", "http://u@h", false, Addressing::kAuto, "oss.config.endpoint"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.region);
    CAPTURE(c.endpoint);
    auto ep = resolve_oss_endpoint(c.region, c.endpoint, c.internal, c.addressing);
    if (ep) {
      CHECK(oss_url(*ep, "bkt", "a b/c+d.jpg", "x=1") == c.url);
    } else {
      CHECK(ep.status().id() == c.url);
    }
  }
  auto ep = resolve_oss_endpoint("cn-hangzhou", "", false, Addressing::kAuto);
  CHECK(oss_url(*ep, "bkt", "", "list-type=2") ==
        "https://bkt.oss-cn-hangzhou.aliyuncs.com/?list-type=2");
  CHECK(is_ip_or_localhost("10.0.0.1:80"));
  CHECK_FALSE(is_ip_or_localhost("oss.example.com"));
}

// The four signer date formats, UTC and locale-independent (oss_protocol.md §0 pitfall 4).
#include "oss/sign_time.h"

#include <doctest/doctest.h>

using namespace omm::oss;

TEST_CASE("sign_time: formats of the vector instants") {
  const struct {
    int64_t unix;
    const char* basic;
    const char* rfc1123;
    const char* extended;
  } cases[] = {
      {1702743657, "20231216T162057Z", "Sat, 16 Dec 2023 16:20:57 GMT", "2023-12-16T16:20:57Z"},
      {1672223261, "20221228T102741Z", "Wed, 28 Dec 2022 10:27:41 GMT", "2022-12-28T10:27:41Z"},
      {1698310861, "20231026T090101Z", "Thu, 26 Oct 2023 09:01:01 GMT", "2023-10-26T09:01:01Z"},
      {0, "19700101T000000Z", "Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00Z"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.unix);
    const SignTime t = from_unix_seconds(c.unix);
    CHECK(unix_seconds(t) == c.unix);
    CHECK(iso8601_basic(t) == c.basic);
    CHECK(yyyymmdd(t) == std::string(c.basic).substr(0, 8));
    CHECK(rfc1123(t) == c.rfc1123);
    CHECK(iso8601_extended(t) == c.extended);
  }
}

TEST_CASE("sign_time: sub-second parts are dropped, not rounded") {
  const SignTime t = from_unix_seconds(1702743657) + std::chrono::milliseconds(999);
  CHECK(iso8601_basic(t) == "20231216T162057Z");
}

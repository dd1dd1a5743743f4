#include "oss/clock_skew.h"

#include <doctest/doctest.h>

using namespace omm::oss;

namespace {
struct FixedClock final : Clock {
  SignTime t;
  SignTime now() const override { return t; }
};
}  // namespace

TEST_CASE("clock skew: HTTP dates parse; offsets are learned when refused or far off") {
  auto t = parse_http_date("Sat, 16 Dec 2023 16:20:57 GMT");
  REQUIRE(t);
  CHECK(unix_seconds(*t) == 1702743657);
  CHECK_FALSE(parse_http_date("Sat, 16 Dec 2023 16:20:57 PST"));
  CHECK_FALSE(parse_http_date("Sat, 16 Foo 2023 16:20:57 GMT"));
  CHECK_FALSE(parse_http_date("2023-12-16T16:20:57Z"));

  FixedClock clock;
  clock.t = from_unix_seconds(1702743657);
  ClockSkew skew(clock);
  CHECK(skew.now() == clock.t);
  // 60 s off on a success: within the threshold, ignored.
  CHECK_FALSE(skew.observe("Sat, 16 Dec 2023 16:21:57 GMT", clock.t, false));
  CHECK(skew.offset().count() == 0);
  // The same 60 s on a refusal: taken.
  CHECK(skew.observe("Sat, 16 Dec 2023 16:21:57 GMT", clock.t, true));
  CHECK(skew.offset().count() == 60);
  CHECK(unix_seconds(skew.now()) == 1702743717);
  // An hour off on a success: beyond the threshold, taken.
  CHECK(skew.observe("Sat, 16 Dec 2023 17:20:57 GMT", clock.t, false));
  CHECK(skew.offset().count() == 3600);
  CHECK_FALSE(skew.observe("garbage", clock.t, true));
  CHECK(skew.offset().count() == 3600);
}

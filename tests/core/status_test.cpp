#include "core/status.h"

#include <doctest/doctest.h>

TEST_CASE("Status renders id and message") {
  omm::Status s = omm::Status::error("invalid_argument.resize.w", "w must be 1..16384, got 0");
  CHECK_FALSE(s.is_ok());
  CHECK(s.to_string() == "[invalid_argument.resize.w] w must be 1..16384, got 0");
  CHECK(omm::Status::ok().to_string() == "ok");
  omm::Result<int> r = 3;
  CHECK(r.ok());
  CHECK(*r == 3);
  omm::Result<int> e = s;
  CHECK_FALSE(e.ok());
  CHECK(e.status().id() == "invalid_argument.resize.w");
}

#include "core/random_id.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/ascii.h"

TEST_CASE("random_hex: 2 x bytes lower-case hex digits, different each time") {
  for (size_t bytes : {0u, 1u, 5u, 8u, 9u, 16u}) {
    CAPTURE(bytes);
    const std::string h = omm::random_hex(bytes);
    CHECK(h.size() == 2 * bytes);
    CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(omm::random_hex(8));
  CHECK(seen.size() == 1000);
}

TEST_CASE("random_uuid: canonical version-4 form") {
  const std::string u = omm::random_uuid();
  REQUIRE(u.size() == 36);
  for (size_t i : {8u, 13u, 18u, 23u}) CHECK(u[i] == '-');
  CHECK(u[14] == '4');                                          // version
  CHECK(std::string("89ab").find(u[19]) != std::string::npos);  // variant 10xx
  CHECK(u != omm::random_uuid());
}

TEST_CASE("to_lower / to_upper: ASCII letters only") {
  CHECK(omm::to_lower("Content-Type: ÄB") == "content-type: Äb");
  CHECK(omm::to_upper("x-oss-ÿz9") == "X-OSS-ÿZ9");
  CHECK(omm::to_lower("") == "");
}

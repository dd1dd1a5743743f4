// The shared percent-encoding rule (oss_protocol.md §1.1, §5.3) and its inverse.
#include "oss/percent_encode.h"

#include <doctest/doctest.h>

using namespace omm::oss;

TEST_CASE("percent_encode: unreserved kept, everything else %XX uppercase") {
  const struct {
    const char* text;
    const char* query;  // Slash::kEncode
    const char* path;   // Slash::kKeep
  } cases[] = {
      {"", "", ""},
      {"AZaz09-_.~", "AZaz09-_.~", "AZaz09-_.~"},
      {" ", "%20", "%20"},  // never '+'
      {"+", "%2B", "%2B"},
      {"*", "%2A", "%2A"},
      {"/", "%2F", "/"},
      {"%", "%25", "%25"},
      {"=&;,", "%3D%26%3B%2C", "%3D%26%3B%2C"},
      {"|?#", "%7C%3F%23", "%7C%3F%23"},
      {"1234+-/123/1.txt", "1234%2B-%2F123%2F1.txt", "1234%2B-/123/1.txt"},
      {"image/resize,w_100", "image%2Fresize%2Cw_100", "image/resize%2Cw_100"},
      {"dir/photo 1.jpg", "dir%2Fphoto%201.jpg", "dir/photo%201.jpg"},
      {"\xe4\xb8\xad", "%E4%B8%AD", "%E4%B8%AD"},  // 中
      {"\x7f\x01", "%7F%01", "%7F%01"},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    CHECK(percent_encode(c.text) == c.query);
    CHECK(percent_encode(c.text, Slash::kKeep) == c.path);
    auto back = percent_decode(c.query);
    REQUIRE(back.has_value());
    CHECK(*back == c.text);
  }
  CHECK(percent_encode(std::string("a\0b", 3)) == "a%00b");
}

TEST_CASE("percent_decode: either hex case; '+' is not a space; broken escapes refused") {
  const struct {
    const char* text;
    const char* decoded;  // nullptr: refused
  } cases[] = {
      {"%2b%2B", "++"},   {"a+b", "a+b"},     {"%e4%B8%ad", "\xe4\xb8\xad"},
      {"plain", "plain"}, {"%", nullptr},     {"%2", nullptr},
      {"%zz", nullptr},   {"ab%g1", nullptr}, {"%%41", nullptr},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto got = percent_decode(c.text);
    if (c.decoded == nullptr) {
      CHECK_FALSE(got.has_value());
    } else {
      REQUIRE(got.has_value());
      CHECK(*got == c.decoded);
    }
  }
}

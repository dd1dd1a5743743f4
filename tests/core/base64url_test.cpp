// URL-safe base64 without padding: the checked vectors of seed_ops.md §3 and decoding.
#include "core/base64url.h"

#include <doctest/doctest.h>

using omm::core::base64url_decode;
using omm::core::base64url_encode;

TEST_CASE("base64url: seed_ops.md §3 vectors encode and decode back") {
  const struct {
    const char* plain;
    const char* encoded;
  } cases[] = {
      {"wqy-microhei", "d3F5LW1pY3JvaGVp"},
      {"Copyright 2026", "Q29weXJpZ2h0IDIwMjY"},
      {"\xe6\xb5\x8b\xe8\xaf\x95\xe6\xb0\xb4\xe5\x8d\xb0", "5rWL6K-V5rC05Y2w"},  // 测试水印
      {"output/frames/frame", "b3V0cHV0L2ZyYW1lcy9mcmFtZQ"},
      {"ab>", "YWI-"},
      {"logo.png?x-oss-process=image/resize,w_100/rotate,90",
       "bG9nby5wbmc_eC1vc3MtcHJvY2Vzcz1pbWFnZS9yZXNpemUsd18xMDAvcm90YXRlLDkw"},
      {"bkt", "Ymt0"},
      {"", ""},
      {"a", "YQ"},
      {"ab", "YWI"},
      {"\xff\xfe", "__4"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.plain);
    CHECK(base64url_encode(c.plain) == c.encoded);
    auto back = base64url_decode(c.encoded);
    REQUIRE(back.has_value());
    CHECK(*back == c.plain);
  }
}

TEST_CASE("base64url: decoding accepts padding and refuses what no encoder writes") {
  const struct {
    const char* text;
    bool ok;
  } cases[] = {
      {"YQ==", true},  {"YWI=", true}, {"YQ", true},    {"Y", false},      {"YQ=", false},
      {"Y===", false}, {"YR", false},  {"a+b/", false}, {"YQ==YQ", false}, {"b3V0L2IubXA0", true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(base64url_decode(c.text).has_value() == c.ok);
  }
}

TEST_CASE("base64: RFC 4648 §10 vectors, with padding and the standard alphabet") {
  using omm::core::base64_encode;
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xfb\xff\xbf", 3)) == "+/+/");
}

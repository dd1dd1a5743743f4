// object_list continuation tokens: opaque ASCII on both backends, whatever the key holds.
#include "core/list_token.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/field_checks.h"

using namespace omm::core;

TEST_CASE("list tokens round-trip any position through JSON as printable ASCII") {
  const std::string positions[] = {
      "a.jpg",
      "photos/2026/",
      "\xf0\x9f\x98\x80/",  // a 4-byte UTF-8 character under a common prefix
      "dir/\xe5\x9b\xbe\xf0\x9f\x8e\xa8.png",
      std::string("oss\0token\xff\xfe", 12),  // OSS tokens are opaque bytes to us
      std::string(1023, 'k'),
  };
  for (ListBackend backend : {ListBackend::kLocal, ListBackend::kOss}) {
    for (const std::string& p : positions) {
      CAPTURE(p);
      std::string token = encode_list_token(backend, p);
      for (char c : token) CHECK((c > 0x20 && c < 0x7f));
      // Through JSON and back, as a client would send it.
      nlohmann::json j = {{"continuation_token", token}};
      std::string sent = j.dump();
      std::string received = nlohmann::json::parse(sent)["continuation_token"];
      auto back = decode_list_token(backend, received);
      REQUIRE(back.ok());
      CHECK(*back == p);
    }
  }
}

TEST_CASE("list tokens that the server did not make are refused with the field's id") {
  const std::string local = encode_list_token(ListBackend::kLocal, "a/");
  const struct {
    std::string token;
    const char* why;
  } cases[] = {
      {"a/\xff", "is not a token of this server"},
      {"l1.", "is damaged"},
      {"l1.!!!", "is damaged"},
      {encode_list_token(ListBackend::kOss, "x"), "comes from the other backend"},
      {std::string(5000, 'l'), "is longer than 4096 bytes"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.token.substr(0, 40));
    auto r = decode_list_token(ListBackend::kLocal, c.token);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.object_list.continuation_token");
    CHECK(r.status().message().find(c.why) != std::string::npos);
  }
  CHECK(decode_list_token(ListBackend::kLocal, local).ok());
}

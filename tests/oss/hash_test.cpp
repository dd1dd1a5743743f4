// Digest, MAC and Base64 helpers against the RFC test vectors (FIPS 180-2, RFC 4231, RFC 2202,
// RFC 4648) and the Content-MD5 example of oss_protocol.md §4.
#include "oss/hash.h"

#include <doctest/doctest.h>

using namespace omm::oss;

TEST_CASE("hash: SHA-256 and MD5 known answers") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256("abc").size() == 32);
  CHECK(hex_lower(md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex_lower(md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  {
    Md5Stream m;
    m.update("a");
    m.update("");
    m.update("bc");
    CHECK(hex_lower(m.digest()) == "900150983cd24fb0d6963f7d28e17f72");
    Md5Stream empty;
    CHECK(hex_lower(empty.digest()) == "d41d8cd98f00b204e9800998ecf8427e");
  }
}

TEST_CASE("hash: HMAC-SHA256 (RFC 4231) and HMAC-SHA1 (RFC 2202) case 2") {
  CHECK(hex_lower(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex_lower(hmac_sha1("Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("hash: hex and Base64 encodings") {
  CHECK(hex_lower(std::string("\x00\x0f\xf0\xff", 4)) == "000ff0ff");
  const struct {
    const char* plain;
    const char* encoded;
  } cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "+/8="},
  };
  for (const auto& c : cases) {
    const std::string plain = c.plain;
    CAPTURE(plain);
    CHECK(base64_encode(c.plain) == c.encoded);
  }
}

TEST_CASE("hash: Content-MD5 is Base64 of the raw MD5 (oss_protocol.md §4)") {
  CHECK(content_md5("0123456789") == "eB5eJF1ptWaXm4bijSPyxw==");
  CHECK(content_md5("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
}

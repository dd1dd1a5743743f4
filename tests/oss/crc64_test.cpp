// CRC-64/ECMA (x-oss-hash-crc64ecma): the check values of oss_protocol.md §4 (GO2
// utils_crc_test), values cross-checked with `xz --check=crc64` (CRC-64/XZ is the same CRC),
// streaming, combine (multipart) and the decimal header form.
#include "oss/crc64.h"

#include <doctest/doctest.h>

#include <string>

using namespace omm::oss;

namespace {

std::string pattern(size_t size, unsigned mul, unsigned add, unsigned mod) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * mul + add) % mod);
  return out;
}

}  // namespace

TEST_CASE("crc64: known values") {
  const struct {
    std::string data;
    uint64_t crc;
  } cases[] = {
      {"", 0},
      {"123456789", 0x995DC9BBDF1939FAULL},
      {"This is a test of the emergency broadcast system.", 0x27DB187FC15BBC72ULL},
      // `xz --check=crc64` over these bytes, then `xz --robot -lvv`.
      {pattern(1000, 7, 0, 251), 0x1348223585F5D49DULL},
      {pattern(70000, 131, 17, 256), 0x9619DA20CED590AFULL},
  };
  for (const auto& c : cases) {
    CAPTURE(c.data.size());
    CHECK(crc64_ecma(c.data) == c.crc);
  }
  CHECK(crc64_header_value(crc64_ecma("123456789")) == "11051210869376104954");
}

TEST_CASE("crc64: streaming in pieces equals one pass") {
  const std::string data = pattern(70000, 131, 17, 256);
  for (size_t piece : {1u, 7u, 4096u, 65536u}) {
    CAPTURE(piece);
    uint64_t crc = 0;
    for (size_t at = 0; at < data.size(); at += piece) {
      const size_t n = std::min(piece, data.size() - at);
      crc = crc64_ecma_update(crc, data.data() + at, n);
    }
    CHECK(crc == 0x9619DA20CED590AFULL);
  }
}

TEST_CASE("crc64: combine of parts equals the CRC of the whole") {
  const std::string text = "This is a test of the emergency broadcast system.";
  for (size_t split = 0; split <= text.size(); ++split) {
    CAPTURE(split);
    const std::string a = text.substr(0, split);
    const std::string b = text.substr(split);
    CHECK(crc64_ecma_combine(crc64_ecma(a), crc64_ecma(b), b.size()) == crc64_ecma(text));
  }
  // Three uneven "parts", combined in order as a multipart upload does.
  const std::string data = pattern(70000, 131, 17, 256);
  const size_t cuts[] = {0, 30000, 65536, data.size()};
  uint64_t crc = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string part = data.substr(cuts[i], cuts[i + 1] - cuts[i]);
    crc = crc64_ecma_combine(crc, crc64_ecma(part), part.size());
  }
  CHECK(crc == 0x9619DA20CED590AFULL);
}

TEST_CASE("crc64: header parsing and verification") {
  const struct {
    const char* text;
    bool ok;
    uint64_t value;
  } cases[] = {
      {"0", true, 0},
      {"11051210869376104954", true, 0x995DC9BBDF1939FAULL},
      {"18446744073709551615", true, UINT64_MAX},
      {"18446744073709551616", false, 0},  // overflow
      {"", false, 0},
      {"-1", false, 0},
      {"+1", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"0x99", false, 0},
      {"12a", false, 0},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto got = parse_crc64_header(c.text);
    CHECK(got.ok() == c.ok);
    if (c.ok && got.ok()) CHECK(*got == c.value);
    if (!c.ok && !got.ok()) {
      CHECK(got.status().to_string() ==
            std::string("[oss.crc64.header] x-oss-hash-crc64ecma must be a decimal uint64, got '") +
                c.text + "'");
    }
  }
  CHECK(verify_crc64("11051210869376104954", crc64_ecma("123456789")).is_ok());
  CHECK(verify_crc64("11051210869376104955", crc64_ecma("123456789")).to_string() ==
        "[oss.crc64.mismatch] CRC-64 of the data is 11051210869376104954, the server reported "
        "11051210869376104955");
  CHECK(verify_crc64("x", 0).id() == "oss.crc64.header");
}

#include "oss/crc64.h"

#include <array>
#include <charconv>

namespace omm::oss {
namespace {

constexpr uint64_t kPolyReflected = 0xC96C5795D7870F42ULL;

constexpr std::array<uint64_t, 256> make_table() {
  std::array<uint64_t, 256> table{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPolyReflected : crc >> 1;
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kTable = make_table();

// GF(2) 64x64 matrices as 64 column vectors (zlib crc32_combine, widened to 64 bits).
using Matrix = std::array<uint64_t, 64>;

uint64_t times(const Matrix& mat, uint64_t vec) {
  uint64_t sum = 0;
  for (int i = 0; vec != 0; ++i, vec >>= 1) {
    if (vec & 1) sum ^= mat[i];
  }
  return sum;
}

void square(Matrix& out, const Matrix& mat) {
  for (int n = 0; n < 64; ++n) out[n] = times(mat, mat[n]);
}

}  // namespace

uint64_t crc64_ecma_update(uint64_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = kTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint64_t crc64_ecma(std::string_view data) {
  return crc64_ecma_update(0, data.data(), data.size());
}

uint64_t crc64_ecma_combine(uint64_t crc_a, uint64_t crc_b, uint64_t size_b) {
  if (size_b == 0) return crc_a;
  Matrix odd{};   // operator for one zero bit
  Matrix even{};  // operator for two zero bits, then squared on
  odd[0] = kPolyReflected;
  for (int n = 1; n < 64; ++n) odd[n] = uint64_t{1} << (n - 1);
  square(even, odd);  // 2 zero bits
  square(odd, even);  // 4 zero bits
  // Apply len(B) zero bytes to crc_a, one power-of-two block at a time (the first square gives
  // the operator for one zero byte).
  do {
    square(even, odd);
    if (size_b & 1) crc_a = times(even, crc_a);
    size_b >>= 1;
    if (size_b == 0) break;
    square(odd, even);
    if (size_b & 1) crc_a = times(odd, crc_a);
    size_b >>= 1;
  } while (size_b != 0);
  return crc_a ^ crc_b;
}

std::string crc64_header_value(uint64_t crc) { return std::to_string(crc); }

Result<uint64_t> parse_crc64_header(std::string_view text) {
  uint64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const bool digits_only =
      !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (!digits_only || ec != std::errc() || ptr != last) {
    return Status::error("oss.crc64.header",
                         "x-oss-hash-crc64ecma must be a decimal uint64, got '" +
                             std::string(text.substr(0, 64)) + "'");
  }
  return value;
}

Status verify_crc64(std::string_view header_value, uint64_t computed) {
  auto expected = parse_crc64_header(header_value);
  if (!expected) return expected.status();
  if (*expected != computed) {
    return Status::error("oss.crc64.mismatch",
                         "CRC-64 of the data is " + crc64_header_value(computed) +
                             ", the server reported " + crc64_header_value(*expected));
  }
  return Status::ok();
}

}  // namespace omm::oss

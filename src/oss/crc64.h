// CRC-64/ECMA as OSS computes it for x-oss-hash-crc64ecma (oss_protocol.md §4): CRC-64/XZ, Go's
// crc64.ECMA — ECMA-182 polynomial processed reflected (0xC96C5795D7870F42), register starting at
// all ones, final XOR all ones. "123456789" gives 0x995DC9BBDF1939FA.
//
// The header carries the value as a decimal uint64 string. Compare it only for whole-object
// transfers: a ranged GET returns the CRC of the whole object, not of the range (§0 pitfall 7).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::oss {

// Continues a CRC over more bytes: crc64_ecma(a + b) == crc64_ecma_update(crc64_ecma(a), b).
// Start a stream with crc = 0.
uint64_t crc64_ecma_update(uint64_t crc, const void* data, size_t size);
uint64_t crc64_ecma(std::string_view data);

// The CRC of A followed by B from crc(A), crc(B) and len(B) (zlib's GF(2) matrix method), for
// multipart uploads: the object's CRC combines its parts' CRCs in part order.
uint64_t crc64_ecma_combine(uint64_t crc_a, uint64_t crc_b, uint64_t size_b);

// Decimal, as in the header.
std::string crc64_header_value(uint64_t crc);
// [oss.crc64.header] unless the text is a decimal uint64 (digits only, no sign, no overflow).
Result<uint64_t> parse_crc64_header(std::string_view text);
// ok when the header value equals `computed`; [oss.crc64.header] when it does not parse;
// [oss.crc64.mismatch] naming both values otherwise.
Status verify_crc64(std::string_view header_value, uint64_t computed);

}  // namespace omm::oss

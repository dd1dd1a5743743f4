// The four date formats of the Alibaba Cloud signers (oss_protocol.md §0 pitfall 4), always UTC
// and independent of the process locale. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace omm::oss {

using SignTime = std::chrono::system_clock::time_point;

SignTime from_unix_seconds(int64_t seconds);
int64_t unix_seconds(SignTime t);

std::string iso8601_basic(SignTime t);     // "20231216T162057Z"  (OSS V4 x-oss-date)
std::string yyyymmdd(SignTime t);          // "20231216"          (OSS V4 scope)
std::string rfc1123(SignTime t);           // "Sat, 16 Dec 2023 16:20:57 GMT" (OSS V1 Date)
std::string iso8601_extended(SignTime t);  // "2023-10-26T09:01:01Z" (POP x-acs-date, RPC Timestamp)

}  // namespace omm::oss

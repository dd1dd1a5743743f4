// Clock-skew correction (oss_protocol.md §1.4): the services refuse a request signed more than
// 15 minutes off their clock. When a server answers RequestTimeTooSkewed (or any answer's Date
// header is more than kSkewThreshold off), the offset to the server's clock is remembered and
// every later request is signed with now() + offset. Thread-safe (one atomic offset).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

#include "oss/credential_io.h"
#include "oss/sign_time.h"

namespace omm::oss {

// "Sat, 16 Dec 2023 16:20:57 GMT" (RFC 1123, as servers send Date) → time; nullopt otherwise.
std::optional<SignTime> parse_http_date(std::string_view text);

class ClockSkew {
 public:
  static constexpr std::chrono::seconds kSkewThreshold{300};

  explicit ClockSkew(const Clock& clock) : clock_(clock) {}
  // The time to sign with: the local clock corrected by the learned offset.
  SignTime now() const;
  std::chrono::seconds offset() const { return std::chrono::seconds(offset_s_.load()); }

  // A server's Date header seen on an answer received at local time `local`. With `rejected`
  // (the server said the clock is skewed) the offset is always taken; otherwise only when the
  // difference exceeds kSkewThreshold. Returns true when the offset changed.
  bool observe(std::string_view server_date, SignTime local, bool rejected);
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  std::atomic<long long> offset_s_{0};
};

}  // namespace omm::oss

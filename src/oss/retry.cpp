#include "oss/retry.h"

#include <algorithm>
#include <random>

namespace omm::oss {

std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int retry, double unit) {
  const int shift = std::clamp(retry, 0, 30);
  const double cap = std::min(static_cast<double>(p.base_delay.count()) * double(1LL << shift),
                              static_cast<double>(p.max_delay.count()));
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(unit, 0.0, 1.0) * cap));
}

std::chrono::milliseconds jittered_delay(const RetryPolicy& p, int retry) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return backoff_delay(p, retry, unit(rng));
}

bool is_retryable_http_status(int status) {
  return status >= 500 || status == 408 || status == 429;
}

bool is_refused_before_acting(int http_status) { return http_status == 503 || http_status == 429; }

bool is_skew_code(std::string_view code) {
  return code == "RequestTimeTooSkewed" || code == "InvalidTimeStamp.Expired";
}

bool is_retryable_service_code(std::string_view code) {
  return is_skew_code(code) || code == "BadRequest" || code == "ServiceUnavailable" ||
         code.rfind("Throttling", 0) == 0;
}

bool is_retryable_transport(const Status& s, bool idempotent) {
  const std::string& id = s.id();
  if (id == "http.connect") return true;
  if (!idempotent) return false;
  return id == "http.send" || id == "http.receive";
}

}  // namespace omm::oss

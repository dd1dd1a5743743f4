// Retries with exponential backoff and full jitter (oss_protocol.md §3.9), shared by the OSS and
// IMM clients.
//
// What is retried: transport failures (http.connect, http.send, http.receive); HTTP 5xx, 408,
// 429; service codes RequestTimeTooSkewed, InvalidTimeStamp.Expired (after the clock-skew
// correction), BadRequest, Throttling*, ServiceUnavailable; a CRC-64 mismatch. A request that is
// not idempotent (a POST that creates something or starts a task) is retried only when it
// provably never reached the server (http.connect) or the server refused it before acting
// (a skewed clock, or HTTP 503 / 429: the service says it is unavailable or throttling and did
// not take the request); never after any other answer or a broken exchange.
// The delay before retry n (1-based) is uniform in [0, min(base · 2^n, max)). Thread-safe: the
// random source is per thread.
#pragma once

#include <chrono>
#include <string_view>

#include "core/status.h"

namespace omm::oss {

struct RetryPolicy {
  int max_attempts = 3;                       // the first try included; 1 disables retries
  std::chrono::milliseconds base_delay{200};  // GO2's default
  std::chrono::milliseconds max_delay{20000};
};

// Uniform in [0, min(base · 2^retry, max)); `unit` in [0, 1) is the random draw.
std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int retry, double unit);
// backoff_delay with a per-thread random draw.
std::chrono::milliseconds jittered_delay(const RetryPolicy& p, int retry);

bool is_retryable_http_status(int status);
bool is_retryable_service_code(std::string_view code);
bool is_skew_code(std::string_view code);  // RequestTimeTooSkewed, InvalidTimeStamp.Expired
// HTTP 503 and 429: the service refused the request without acting on it, so even a request that
// is not idempotent may be sent again.
bool is_refused_before_acting(int http_status);
// For a transport failure (an http.* id): retryable at all, and safe for a non-idempotent request.
bool is_retryable_transport(const Status& s, bool idempotent);

}  // namespace omm::oss

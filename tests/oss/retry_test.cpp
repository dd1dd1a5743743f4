#include "oss/retry.h"

#include <doctest/doctest.h>

using namespace omm::oss;
using std::chrono::milliseconds;

TEST_CASE("retry: full-jitter backoff stays under min(base * 2^n, max)") {
  const RetryPolicy p{5, milliseconds(200), milliseconds(20000)};
  CHECK(backoff_delay(p, 1, 0.0) == milliseconds(0));
  CHECK(backoff_delay(p, 1, 0.5) == milliseconds(200));
  CHECK(backoff_delay(p, 3, 0.999) == milliseconds(1598));
  CHECK(backoff_delay(p, 10, 0.5) == milliseconds(10000));  // capped at 20 s
  CHECK(backoff_delay(p, 60, 0.5) == milliseconds(10000));
  for (int retry = 1; retry <= 8; ++retry) {
    CAPTURE(retry);
    const auto cap = std::min<long long>(200LL << retry, 20000);
    for (int i = 0; i < 50; ++i) {
      auto d = jittered_delay(p, retry);
      CHECK(d.count() >= 0);
      CHECK(d.count() < cap);
    }
  }
}

TEST_CASE("retry: what is retried, and what a POST may retry") {
  struct Case {
    int status;
    bool retry;
  } statuses[] = {{500, true},  {503, true},  {408, true},  {429, true},
                  {400, false}, {403, false}, {404, false}, {409, false}};
  for (const auto& c : statuses) {
    CAPTURE(c.status);
    CHECK(is_retryable_http_status(c.status) == c.retry);
  }
  CHECK(is_retryable_service_code("RequestTimeTooSkewed"));
  CHECK(is_retryable_service_code("Throttling.User"));
  CHECK_FALSE(is_retryable_service_code("NoSuchKey"));
  CHECK(is_skew_code("InvalidTimeStamp.Expired"));
  CHECK_FALSE(is_skew_code("InvalidTimeStamp"));
  // What a POST that starts something may retry after an answer: only "not taken" refusals.
  CHECK(is_refused_before_acting(503));
  CHECK(is_refused_before_acting(429));
  CHECK_FALSE(is_refused_before_acting(500));
  CHECK_FALSE(is_refused_before_acting(502));

  struct T {
    const char* id;
    bool idempotent;
    bool retry;
  } transports[] = {
      {"http.connect", false, true}, {"http.connect", true, true},   {"http.send", false, false},
      {"http.send", true, true},     {"http.receive", false, false}, {"http.receive", true, true},
      {"http.tls", true, false},     {"http.canceled", true, false}, {"http.file", true, false}};
  for (const auto& t : transports) {
    CAPTURE(t.id);
    CAPTURE(t.idempotent);
    CHECK(is_retryable_transport(omm::Status::error(t.id, "m"), t.idempotent) == t.retry);
  }
}

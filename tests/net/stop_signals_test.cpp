// net/stop_signals.h without a signal: finish() ends the wait and the callback never runs. The
// signal path is covered end to end (the e2e tests stop HTTP servers and emulate with SIGTERM);
// sending SIGTERM inside the unit test process could reach a thread that does not block it.
#include "net/stop_signals.h"

#include <doctest/doctest.h>

#include <atomic>

TEST_CASE("stop signals: finish without a signal joins the waiter and never calls back") {
  std::atomic<int> called{0};
  {
    omm::net::StopSignals stop;
    stop.start([&](int) { ++called; });
    stop.finish();
    stop.finish();  // twice is harmless
  }
  CHECK(called == 0);
  {
    omm::net::StopSignals never_started;  // the destructor has nothing to join
  }
  // The calling thread blocks SIGINT and SIGTERM from the first construction on.
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  CHECK(sigismember(&now, SIGTERM) == 1);
  CHECK(sigismember(&now, SIGINT) == 1);
}

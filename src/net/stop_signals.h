// Serving until SIGINT or SIGTERM, the way both HTTP servers (the MCP HTTP transport and
// `emulate`) stop. Constructing a StopSignals blocks the two signals in the calling thread, so
// every thread started afterwards inherits the mask and only the waiting thread takes them
// (children get a clean mask from proc::spawn_process). start() begins the wait: on a signal,
// `on_signal(number)` runs once on that thread. finish() ends the wait without calling it when no
// signal came and joins the thread; call it before what `on_signal` uses goes away (the
// destructor calls it too). Construct it before starting any other thread.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace omm::net {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  void start(std::function<void(int signal)> on_signal);
  void finish();

 private:
  sigset_t signals_;
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace omm::net

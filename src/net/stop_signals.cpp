#include "net/stop_signals.h"

#include <pthread.h>

namespace omm::net {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

void StopSignals::start(std::function<void(int)> on_signal) {
  waiter_ = std::thread([this, on_signal = std::move(on_signal)] {
    int sig = 0;
    sigwait(&signals_, &sig);
    if (!done_ && on_signal) on_signal(sig);
  });
}

StopSignals::~StopSignals() { finish(); }

void StopSignals::finish() {
  if (!waiter_.joinable()) return;
  done_ = true;
  pthread_kill(waiter_.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  waiter_.join();
}

}  // namespace omm::net

// The HTTP listener's connection queue: one thread per open connection, at most `max_threads` at
// once; connections beyond wait in order for a thread to finish its connection. httplib's own
// fixed pool of 8 threads would be exhausted by 8 open SSE streams. Threads are created on demand
// and end when nothing waits, so an idle server keeps none.
//
// The waiting list is bounded by the listener's connection limits (sessions, streams per client,
// the kernel's backlog), not here. shutdown() drops what waits and gives running connections up to
// 5 s to end. Thread-safe (httplib calls enqueue from its accept thread).
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace omm::mcp {

class HttpTaskQueue : public httplib::TaskQueue {
 public:
  explicit HttpTaskQueue(size_t max_threads) : max_(max_threads) {}
  ~HttpTaskQueue() override { shutdown(); }

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void run(std::function<void()> fn);

  size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t active_ = 0;
  std::deque<std::function<void()>> waiting_;
};

}  // namespace omm::mcp

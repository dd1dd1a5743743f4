// WorkerPool: a fixed set of threads running submitted jobs from a bounded queue.
//
// Tool calls run here so a slow call never blocks the transport's reader or other sessions.
// `try_submit` refuses (returns false) when `queue_capacity` jobs are already waiting: the
// caller answers "busy". Thread-safe. The destructor drains nothing: queued jobs that have not
// started are dropped, running jobs are joined.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace omm::mcp {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool try_submit(std::function<void()> job);
  size_t threads() const { return workers_.size(); }
  size_t queue_capacity() const { return capacity_; }

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t capacity_;
  size_t busy_ = 0;  // workers running a job
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace omm::mcp

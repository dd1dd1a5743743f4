#include "mcp/http_task_queue.h"

#include <chrono>
#include <thread>

namespace omm::mcp {

void HttpTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (active_ >= max_) {
    waiting_.push_back(std::move(fn));
    return;
  }
  ++active_;
  lock.unlock();
  std::thread([this, fn = std::move(fn)]() mutable { run(std::move(fn)); }).detach();
}

void HttpTaskQueue::shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  waiting_.clear();
  cv_.wait_for(lock, std::chrono::seconds(5), [this] { return active_ == 0; });
}

// Serves `fn`, then whatever waits, until nothing does.
void HttpTaskQueue::run(std::function<void()> fn) {
  for (;;) {
    fn();
    std::lock_guard<std::mutex> lock(mu_);
    if (waiting_.empty()) {
      --active_;
      cv_.notify_all();
      return;
    }
    fn = std::move(waiting_.front());
    waiting_.pop_front();
  }
}

}  // namespace omm::mcp

// MemoryOutbox: an Outbox that records messages in order (tests, golden transcripts, fuzzers).
// `wait_for(n)` blocks until at least n messages were sent. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "mcp/outbox.h"

namespace omm::mcp {

class MemoryOutbox : public Outbox {
 public:
  struct Sent {
    nlohmann::json message;
    nlohmann::json related;  // null when unrelated
  };

  void send(const nlohmann::json& message, const nlohmann::json* related) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sent_.push_back(Sent{message, related ? *related : nlohmann::json()});
    }
    cv_.notify_all();
  }

  std::vector<Sent> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_.size();
  }
  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return sent_.size() >= n; });
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Sent> sent_;
};

}  // namespace omm::mcp

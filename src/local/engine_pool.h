// EnginePool: warm engine worker processes (docs/local-backend.md) for one engine executable.
//
// Workers start on first use and stay warm, at most `max_workers` of them, one job each at a
// time; callers beyond that wait. A job that exceeds its time limit, is cancelled, or whose
// worker dies (crash, memory limit) fails alone with a clear error — [engine.timeout],
// [cancelled], [engine.crashed], [engine.limit.memory] — and that worker is discarded; the next
// job starts a fresh one. An idle worker that died meanwhile is noticed when a job would take
// it, and replaced before the job starts. Thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace omm::local {

struct EnginePoolOptions {
  std::string executable;                // absolute path of the worker binary
  size_t max_workers = 2;                // default: the number of cores
  std::uint64_t memory_limit_mb = 1024;  // RLIMIT_AS of each worker
  std::uint64_t max_pixels = 250000000;  // checked by the worker before decoding
  std::chrono::milliseconds job_timeout{120000};
};

// How a running job learns it was cancelled, and registers what to do about it.
struct JobControl {
  std::function<bool()> cancelled;  // may be empty
};

class EnginePool {
 public:
  explicit EnginePool(EnginePoolOptions options);
  ~EnginePool();
  EnginePool(const EnginePool&) = delete;
  EnginePool& operator=(const EnginePool&) = delete;

  // Sends `request` (its "id" is set here) to a worker and returns the response object
  // ({"ok":true,…}); a worker's own refusal comes back as the Status of its error id.
  Result<nlohmann::json> run(nlohmann::json request, const JobControl& control = {});

  const EnginePoolOptions& options() const { return options_; }
  size_t workers_started() const;  // for tests and benchmarks
  std::vector<pid_t> idle_pids() const;

 private:
  struct Worker {
    pid_t pid = -1;
    int to_worker = -1;    // its stdin
    int from_worker = -1;  // its stdout
    std::string pending;   // bytes read past the last response line
  };
  Result<std::unique_ptr<Worker>> start_worker();
  std::unique_ptr<Worker> acquire();
  void release(std::unique_ptr<Worker> worker, bool healthy);
  Status worker_death(Worker& worker, const char* during);
  void kill_worker(Worker& worker);

  EnginePoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Worker>> idle_;
  size_t live_ = 0;  // idle + busy
  size_t started_ = 0;
  std::int64_t next_id_ = 0;
  bool stopping_ = false;
};

}  // namespace omm::local

// JobManager: the local backend's async jobs (DESIGN.md "Async jobs").
//
// start() runs a piece of work in its own thread, so a job outlives the tool call that started
// it, and journals it (job_journal.h) as running; its terminal state — succeeded with the full
// result, failed with the error's id and message, canceled — is journaled before waiters see it.
// Each job has a cancel flag that the work sees through RunContext::cancelled (the FFmpeg runner
// then kills its child and removes partial output).
//
// Jobs are bounded: at most `max_running` run at once and at most `max_queued` more wait for a
// slot (journaled as running with `queued: true`); start() beyond that answers [server.busy]
// at once. A job cancelled while it waits never runs.
//
// The journal lives in the server's own state directory, outside the bucket. Opening a manager
// recovers the journal of a previous server on the same root: a record still `running` belongs
// to a dead process and becomes `failed` with `[job.interrupted]`; the child processes that job
// recorded (RunContext::child_started) are killed when they are still the same processes (pid,
// start time and boot id match — a reused pid is left alone), and its partial output
// (`.omm-part-*` names modified since the job started, in its partial_dirs) is removed — only
// inside `partial_areas`; terminal records older than `retention` are deleted.
// Destroying the manager (server shutdown) cancels the running jobs and waits for them: their
// children die, partial output is removed, and the journal says canceled (reason "shutdown").
//
// Error ids: job.not_found (unknown or malformed id), job.shutdown (start() after shutdown
// began), server.busy (every slot and queue place taken), local.io / local.state (the journal
// cannot be written). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "local/executor.h"
#include "local/job_journal.h"

namespace omm::local {

struct JobManagerOptions {
  std::string journal_dir;  // the job journal: the server's own directory (state_dir.h)
  // Directories inside which recovery may remove `.omm-part-*` partial output (the root and the
  // output directory); a recorded partial dir elsewhere is left alone.
  std::vector<std::string> partial_areas;
  size_t max_running = 0;  // jobs running at once (--max-jobs); 0: the number of cores
  size_t max_queued = 16;  // jobs waiting for a slot (--job-queue)
  std::chrono::hours retention{24 * 7};  // terminal records older than this are pruned at open
  std::function<std::int64_t()> now_ms;  // Unix epoch milliseconds; default: the system clock
};

// What a job is, for the journal (state, times and results are filled by the manager).
struct JobSpec {
  std::string tool;
  std::string operations;
  std::string target_key;
  std::string request_id;
  std::vector<std::string> partial_dirs;
};

// "local-job-" followed by a random UUID (v4).
std::string new_job_id();
// Whether `id` has that form (lower-case hex); anything else is never a local job.
bool is_local_job_id(std::string_view id);

class JobManager {
 public:
  // The job's work. Its JSON result becomes the job's result with `job_id` and
  // `status: "succeeded"` added; a failed Status the job's error. A job whose cancel flag was
  // set ends `canceled` unless the work nevertheless succeeded.
  using Work = std::function<Result<nlohmann::json>(const RunContext& context)>;
  using ProgressFn = std::function<void(double fraction, const std::string& message)>;

  // Recovers the journal in options.journal_dir (see above). Ids: local.io.
  static Result<std::unique_ptr<JobManager>> open(JobManagerOptions options);
  ~JobManager();  // shutdown()

  // Journals the job as running and starts it; returns its id. `progress` (may be empty) is
  // called from the job's thread.
  Result<std::string> start(JobSpec spec, Work work, ProgressFn progress = {});
  // The job's current record (this process's jobs, else the journal).
  Result<JobRecord> status(const std::string& id) const;
  // Waits up to `timeout` for the job to reach a terminal state; returns its record either way.
  Result<JobRecord> wait(const std::string& id, std::chrono::milliseconds timeout) const;
  // Sets the job's cancel flag and waits up to `timeout` for it to end. A terminal job is left
  // as it is (its record is returned).
  Result<JobRecord> cancel(const std::string& id, std::chrono::milliseconds timeout);
  // Cancels every running job and waits for all of them; start() refuses new jobs afterwards.
  void shutdown();

  const JobJournal& journal() const { return journal_; }
  const JobManagerOptions& options() const { return options_; }

 private:
  struct Job;
  explicit JobManager(JobManagerOptions options);
  void recover();
  void run_job(const std::shared_ptr<Job>& job, const Work& work, const ProgressFn& progress);
  // Waits for a running slot; false when the job was cancelled first.
  bool take_slot(const std::shared_ptr<Job>& job);
  void record_child(const std::shared_ptr<Job>& job, int pid);
  bool in_partial_area(const std::string& dir) const;
  std::int64_t now_ms() const;
  Status not_found(const std::string& id) const;

  JobManagerOptions options_;
  JobJournal journal_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // a job reached its terminal state
  std::condition_variable slot_cv_;     // a running slot came free, or a job was cancelled
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  size_t active_ = 0;   // jobs not yet done (running or queued)
  size_t running_ = 0;  // jobs holding a running slot
  bool shutting_down_ = false;
};

}  // namespace omm::local

#include "local/job_manager.h"

#include <signal.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "local/child_process.h"

namespace omm::local {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kJobPrefix = "local-job-";
// A partial file modified this long before its job started is not the job's.
constexpr std::int64_t kClockSlackMs = 2000;

std::int64_t mtime_ms(const fs::path& p) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  auto sys = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

// Removes the `.omm-part-*` entries of `dir` written since `since_ms`; returns how many.
int remove_partial_output(const std::string& dir, std::int64_t since_ms) {
  int removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(".omm-part-", 0) != 0) continue;
    if (mtime_ms(e.path()) < since_ms - kClockSlackMs) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

bool gone(pid_t pid) {
  std::ifstream stat_file(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat_file, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// A dead server's children outlive it: ffmpeg ignores SIGPIPE and would finish into its hidden
// temporary file. Kills the recorded children that are still the very processes the job started
// (same pid, start time and boot), each with its process group when it leads one, and waits
// (briefly) until they are gone; returns how many were killed.
int kill_recorded_children(const std::vector<JobRecord::Child>& children) {
  std::vector<pid_t> killed;
  for (const auto& c : children) {
    ProcessIdentity now = process_identity(c.pid);
    if (!now.valid() || now.start_ticks != c.start_ticks || now.boot_id != c.boot_id) continue;
    if (::getpgid(c.pid) == c.pid) ::kill(-c.pid, SIGKILL);  // spawn_process: its own group
    ::kill(c.pid, SIGKILL);
    killed.push_back(c.pid);
  }
  for (pid_t pid : killed) {
    for (int i = 0; i < 100 && !gone(pid); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return static_cast<int>(killed.size());
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(path, ec);
  return ec ? fs::path(path).lexically_normal().string() : c.string();
}

std::string shown_id(const std::string& id) {
  return id.size() <= 80 ? id : id.substr(0, 80) + "…";
}

}  // namespace

std::string new_job_id() {
  std::string request_id = new_request_id();  // "local-<uuid>"
  return std::string(kJobPrefix) + request_id.substr(6);
}

bool is_local_job_id(std::string_view id) {
  if (id.substr(0, kJobPrefix.size()) != kJobPrefix) return false;
  std::string_view uuid = id.substr(kJobPrefix.size());
  if (uuid.size() != 36) return false;
  for (size_t i = 0; i < uuid.size(); ++i) {
    char c = uuid[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct JobManager::Job {
  JobRecord record;           // guarded by the manager's mu_
  bool done = false;          // guarded by mu_; the record is terminal and journaled
  std::string cancel_reason;  // guarded by mu_
  std::atomic<bool> cancel{false};
  std::thread thread;
};

Result<std::unique_ptr<JobManager>> JobManager::open(JobManagerOptions options) {
  if (!options.now_ms) {
    options.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  if (options.max_running == 0) {
    options.max_running = std::max(1u, std::thread::hardware_concurrency());
  }
  for (auto& area : options.partial_areas) area = canonical(area);
  std::unique_ptr<JobManager> manager(new JobManager(std::move(options)));
  std::error_code ec;
  fs::create_directories(manager->journal_.dir(), ec);
  if (ec) {
    return Status::error("local.io", fmt::format("cannot create the job journal {}: {}",
                                                 manager->journal_.dir(), ec.message()));
  }
  manager->recover();
  return manager;
}

JobManager::JobManager(JobManagerOptions options)
    : options_(std::move(options)), journal_(options_.journal_dir) {}

JobManager::~JobManager() { shutdown(); }

std::int64_t JobManager::now_ms() const { return options_.now_ms(); }

bool JobManager::in_partial_area(const std::string& dir) const {
  std::string d = canonical(dir);
  for (const auto& area : options_.partial_areas) {
    if (d == area || d.rfind(area + "/", 0) == 0) return true;
  }
  return false;
}

void JobManager::recover() {
  journal_.remove_stale_temporaries();
  const std::int64_t now = now_ms();
  const std::int64_t retention_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
  for (const std::string& id : journal_.ids()) {
    if (!is_local_job_id(id)) continue;
    auto record = journal_.read(id);
    if (!record.ok()) {
      spdlog::warn("job journal: {}", record.status().to_string());
      continue;
    }
    JobRecord r = std::move(*record);
    if (r.state == JobState::kRunning) {
      if (int n = kill_recorded_children(r.children); n > 0) {
        spdlog::info("job {}: killed {} orphaned child process(es)", r.job_id, n);
      }
      int removed = 0;
      for (const auto& dir : r.partial_dirs) {
        if (!in_partial_area(dir)) {
          spdlog::warn("job {}: partial dir outside the root and output directory left alone",
                       r.job_id);
          continue;
        }
        removed += remove_partial_output(dir, r.created_ms);
      }
      r.state = JobState::kFailed;
      r.queued = false;
      r.error_id = "job.interrupted";
      r.error_message = fmt::format(
          "job {} ({}) was interrupted: the server running it stopped before it finished; {}; "
          "run {} again",
          r.job_id, r.tool,
          removed > 0 ? "its partial output was removed" : "it left no partial output", r.tool);
      r.updated_ms = now;
      if (Status s = journal_.write(r); !s) spdlog::warn("job journal: {}", s.to_string());
      spdlog::info("job {} marked interrupted", r.job_id);
    } else if (now - r.updated_ms > retention_ms) {
      if (Status s = journal_.remove(id); !s) spdlog::warn("job journal: {}", s.to_string());
    }
  }
}

Status JobManager::not_found(const std::string& id) const {
  return Status::error("job.not_found",
                       fmt::format("no job {} on the local backend (ids look like "
                                   "local-job-<uuid>; finished jobs are kept {} days)",
                                   shown_id(id), options_.retention.count() / 24));
}

Result<std::string> JobManager::start(JobSpec spec, Work work, ProgressFn progress) {
  std::vector<std::thread> finished;
  auto job = std::make_shared<Job>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return Status::error("job.shutdown", "the server is shutting down");
    const size_t capacity = options_.max_running + options_.max_queued;
    if (active_ >= capacity) {
      return Status::error(
          "server.busy",
          fmt::format("too many async jobs ({} running, {} waiting, the most this server takes: "
                      "--max-jobs {}, --job-queue {}); wait for one to finish (job_status) or "
                      "retry later",
                      running_, active_ - running_, options_.max_running, options_.max_queued));
    }
    ++active_;  // taken here, so concurrent starts cannot overshoot
    job->record.queued = active_ - 1 >= options_.max_running;
    // Finished jobs leave memory (their records stay in the journal).
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      if (!it->second->done) {
        ++it;
        continue;
      }
      if (it->second->thread.joinable()) finished.push_back(std::move(it->second->thread));
      it = jobs_.erase(it);
    }
  }
  for (auto& t : finished) t.join();

  JobRecord& r = job->record;
  r.job_id = new_job_id();
  r.tool = std::move(spec.tool);
  r.operations = std::move(spec.operations);
  r.target_key = std::move(spec.target_key);
  r.request_id = std::move(spec.request_id);
  r.partial_dirs = std::move(spec.partial_dirs);
  r.created_ms = r.updated_ms = now_ms();
  if (Status s = journal_.write(r); !s) {
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
    slot_cv_.notify_all();
    return s;
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) {
    --active_;
    r.state = JobState::kCanceled;
    r.queued = false;
    r.reason = "shutdown";
    (void)journal_.write(r);
    return Status::error("job.shutdown", "the server is shutting down");
  }
  std::string id = r.job_id;
  jobs_[id] = job;
  job->thread = std::thread([this, job, work = std::move(work), progress = std::move(progress)] {
    run_job(job, work, progress);
  });
  spdlog::debug("job {} started{}", id, r.queued ? " (queued)" : "");
  return id;
}

bool JobManager::take_slot(const std::shared_ptr<Job>& job) {
  std::unique_lock<std::mutex> lock(mu_);
  bool waited = false;
  while (running_ >= options_.max_running && !job->cancel.load()) {
    waited = true;
    slot_cv_.wait(lock);
  }
  if (job->cancel.load()) return false;
  ++running_;
  if (!job->record.queued && !waited) return true;
  job->record.queued = false;
  JobRecord copy = job->record;
  lock.unlock();
  if (Status s = journal_.write(copy); !s) spdlog::warn("job journal: {}", s.to_string());
  return true;
}

void JobManager::record_child(const std::shared_ptr<Job>& job, int pid) {
  ProcessIdentity identity = process_identity(pid);
  if (!identity.valid()) return;  // already gone: nothing to recover
  JobRecord copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job->record.children.push_back(
        JobRecord::Child{identity.pid, identity.start_ticks, identity.boot_id});
    copy = job->record;
  }
  if (Status s = journal_.write(copy); !s) spdlog::warn("job journal: {}", s.to_string());
}

void JobManager::run_job(const std::shared_ptr<Job>& job, const Work& work,
                         const ProgressFn& progress) {
  RunContext context;
  context.cancelled = [job] { return job->cancel.load(); };
  context.child_started = [this, job](int pid) { record_child(job, pid); };
  if (progress) {
    context.progress = [job, progress](double fraction, const std::string& message) {
      if (!job->cancel.load()) progress(fraction, message);
    };
  }
  const bool ran = take_slot(job);
  Result<json> result = Status::error("cancelled", "the job was canceled before it started");
  if (ran) {
    try {
      result = work(context);
    } catch (const std::exception& e) {
      result = Status::error("internal", fmt::format("the job failed unexpectedly: {}", e.what()));
    }
  }

  JobRecord r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = job->record;
    r.reason = job->cancel_reason;
  }
  r.queued = false;
  r.updated_ms = now_ms();
  if (result.ok()) {
    r.state = JobState::kSucceeded;
    r.result = std::move(*result);
    if (r.result.is_object()) {
      r.result["job_id"] = r.job_id;
      r.result["status"] = "succeeded";
    }
  } else if (job->cancel.load()) {
    r.state = JobState::kCanceled;
  } else {
    r.state = JobState::kFailed;
    r.error_id = result.status().id();
    r.error_message = result.status().message();
  }
  if (Status s = journal_.write(r); !s) {
    spdlog::error("job {}: the journal cannot record its end: {}", r.job_id, s.to_string());
  }
  spdlog::debug("job {} {}", r.job_id, to_string(r.state));
  {
    std::lock_guard<std::mutex> lock(mu_);
    job->record = std::move(r);
    job->done = true;
    if (ran) --running_;
    --active_;
  }
  slot_cv_.notify_all();
  cv_.notify_all();
}

Result<JobRecord> JobManager::status(const std::string& id) const {
  return wait(id, std::chrono::milliseconds(0));
}

Result<JobRecord> JobManager::wait(const std::string& id, std::chrono::milliseconds timeout) const {
  if (!is_local_job_id(id)) return not_found(id);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) {
      std::shared_ptr<Job> job = it->second;
      cv_.wait_until(lock, deadline, [&] { return job->done; });
      return job->record;
    }
  }
  // Not a job of this process: the journal (another server on the same root may update it).
  for (;;) {
    auto r = journal_.read(id);
    if (!r.ok()) return r.status().id() == "job.not_found" ? not_found(id) : r.status();
    auto now = std::chrono::steady_clock::now();
    if (r->terminal() || now >= deadline) return r;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(200)));
  }
}

Result<JobRecord> JobManager::cancel(const std::string& id, std::chrono::milliseconds timeout) {
  if (!is_local_job_id(id)) return not_found(id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end() && !it->second->done) {
      if (it->second->cancel_reason.empty()) it->second->cancel_reason = "request";
      it->second->cancel.store(true);
    }
  }
  slot_cv_.notify_all();  // a queued job ends at once
  return wait(id, timeout);
}

void JobManager::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [id, job] : jobs_) {
      if (!job->done) {
        if (job->cancel_reason.empty()) job->cancel_reason = "shutdown";
        job->cancel.store(true);
        spdlog::info("job {}: canceled at shutdown", id);
      }
      if (job->thread.joinable()) threads.push_back(std::move(job->thread));
    }
  }
  slot_cv_.notify_all();
  for (auto& t : threads) t.join();
}

}  // namespace omm::local

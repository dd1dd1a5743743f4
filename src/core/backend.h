// core::Backend: the seam between the execution core and the places work runs (DESIGN.md "The
// execution core"). local::LocalBackend runs plans on this machine (a folder and engine
// workers); oss_backend::OssBackend sends them to OSS and IMM. Everything written above the seam
// — rules, waiting for jobs and announcing them, job_status, result shaping, batch — is the
// same for both (core/executor.h).
//
// A backend is told what kind of work a plan is by the plan itself (core::work_of, plan.h),
// never by tool names. Error ids are the contract's (docs/contracts.md): the same condition is
// the same id on both backends (a missing object is `object.NoSuchKey`).
//
// Jobs: async plans run as jobs. start_job() begins one and returns its id (or, when the
// backend finishes the work inside the call anyway, the finished job); job() reports a job's
// state, waiting up to `wait` for a terminal one; cancel_job() asks it to stop. A backend says
// only how its kind of job starts, is polled and is cancelled; what a job looks like (JobView)
// and what the caller sees is the core's.
//
// Implementations are thread-safe: calls may run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/plan.h"
#include "core/status.h"

namespace omm::core {

// What a running piece of work may learn and report. Every member may be empty.
struct RunContext {
  std::function<bool()> cancelled;
  // Progress as a fraction 0..1 with a short message; may be called from another thread.
  std::function<void(double fraction, const std::string& message)> progress;
  // The pid of every child process the work starts (job recovery records them).
  std::function<void(int pid)> child_started;
};

enum class JobPhase { kRunning, kSucceeded, kFailed, kCanceled };
std::string_view to_string(JobPhase phase);  // running | succeeded | failed | canceled

// One job as the core sees it, whichever backend runs it.
struct JobView {
  std::string id;
  JobPhase phase = JobPhase::kRunning;
  bool queued = false;  // running, but still waiting for a slot
  // What the caller is told about the job (tool, operations, request_id, target_key, task_id,
  // mode, validation_warnings …); for a succeeded job its whole result.
  nlohmann::json fields = nlohmann::json::object();
  Status error;        // failed: the job's own error (its id and message)
  std::string reason;  // canceled: "request" | "shutdown"

  bool terminal() const { return phase != JobPhase::kRunning; }
};

// What start_job() gives back: the new job's id, or the finished job when the backend ran the
// work to its end inside the call.
struct JobTicket {
  std::string id;
  std::optional<JobView> done;
};

struct ObjectListRequest {
  std::string prefix;
  std::string delimiter;           // "" or "/"
  int max_keys = 100;              // 1..1000
  std::string continuation_token;  // opaque (core/list_token.h), as object_list returned it
  std::optional<std::string> bucket;
  std::optional<std::string> region;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view name() const = 0;  // "local" | "oss"

  // Whether a call may name this bucket and region (the local backend has neither; the oss
  // backend serves one region). Ids: invalid_argument.<tool>.bucket|region.
  virtual Status check_location(std::string_view tool, const std::optional<std::string>& bucket,
                                const std::optional<std::string>& region) = 0;

  // The checks of a request that read and contact nothing: the bucket and region, a local `uri`
  // source (inside the input directories, a readable file; an http(s) one only its form) and
  // output.path (inside the output directory). Every run answers after them — a dry run as
  // much as a real one — so a dry run refuses what the real run refuses, with the same id.
  virtual Status check_request(const Plan& plan) = 0;

  // The checks that refuse a plan before any work starts beyond check_request (a source object
  // that does not exist), so they fail the call itself rather than a job. Ok when nothing can
  // be told in advance.
  virtual Status check(const Plan& plan) = 0;

  // A plan whose work ends within the call (sync tools, transfers): its result.
  virtual Result<nlohmann::json> run(const Plan& plan, const RunContext& context) = 0;

  // An async plan: starts its job. `context.progress` receives the job's progress until the
  // caller stops listening (it may be called from the job's own thread).
  virtual Result<JobTicket> start_job(const Plan& plan, const RunContext& context) = 0;
  // The job's state, after waiting up to `wait` for a terminal one; `context.cancelled` ends
  // the wait early. Ids: job.not_found.
  virtual Result<JobView> job(const std::string& id, std::chrono::milliseconds wait,
                              const RunContext& context) = 0;
  // Asks the job to stop and waits up to `wait` for it to end; a finished job is left as it is.
  // Ids: job.not_found, job.cancel_unsupported.
  virtual Result<JobView> cancel_job(const std::string& id, std::chrono::milliseconds wait) = 0;

  // Objects: object_list (data: objects, common_prefixes, is_truncated,
  // next_continuation_token), object_head (target_key, size, metadata).
  virtual Result<nlohmann::json> list_objects(const ObjectListRequest& request) = 0;
  virtual Result<nlohmann::json> head_object(const std::string& key,
                                             const std::optional<std::string>& bucket) = 0;
  virtual Result<nlohmann::json> doctor() = 0;
  virtual Result<nlohmann::json> imm_setup(const nlohmann::json& args) = 0;
  // resources/read of a result's resource_uri. Ids: resource.not_found, resource.too_large.
  virtual Result<nlohmann::json> read_result(const std::string& uri) = 0;

  // Removes what an interrupted run of `plan` may have left half-written beside its output (a
  // batch resumed after a crash calls it for the items that were running). Default: nothing.
  virtual void discard_partial(const Plan& plan) { (void)plan; }

  // How many batch items may run at once (the engine pool on this machine, parallel requests
  // to a service).
  virtual size_t batch_concurrency() const { return 4; }

  // `status` with the server's own directories taken out of its message (a file under the
  // root reads as its key, one under the output directory as the caller's relative path).
  virtual Status without_server_paths(Status status) const { return status; }
};

}  // namespace omm::core

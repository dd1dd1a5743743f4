// core::Executor: runs validated requests on a Backend (DESIGN.md "The execution core"). It owns
// what is the same on every backend:
//  - dry runs (what would be sent, nothing contacted);
//  - the plan's work kind (work_of) deciding between a call that ends within itself and a job;
//  - jobs: start, announce (the first progress notification names the job), wait up to
//    wait_seconds while forwarding the job's progress, cancel on notifications/cancelled only
//    while the job belongs to the call (its id neither returned nor announced), and the answers
//    of the async tools and job_status (DESIGN.md "Async jobs");
//  - result shaping: `success`, `backend`, and error messages without the server's paths.
// No notification leaves after the call's answer: the progress relay is detached before the
// executor returns.
//
// Thread-safe (the backend is).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/backend.h"
#include "core/batch_request.h"
#include "core/batch_runner.h"
#include "core/plan.h"
#include "core/status.h"

namespace omm::core {

// The tool call being served, as the executor sees it (the MCP layer fills it in).
struct Call {
  std::function<bool()> cancelled;  // may be empty
  // Sends a progress notification (progress, total, message); a no-op without a progress token.
  std::function<void(double progress, double total, const std::string& message)> progress;
  // The client gets progress notifications: announcing a job hands it to the client.
  bool announces = false;
};

struct ExecutorOptions {
  std::int64_t default_wait_seconds = 45;
  std::int64_t max_wait_seconds = 600;   // ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS
  std::chrono::seconds cancel_wait{30};  // how long a cancel waits for the job to end
  std::string bucket;                    // the configured bucket (dry-run saveas suffixes)
  // Where batch manifests live (the server's own state directory); empty: no batch_process.
  std::string batch_dir;
  size_t max_batches = 2;  // batches running at once
};

struct JobStatusRequest {
  std::string job_id;
  std::int64_t wait_seconds = 0;
  bool cancel = false;
};

class Executor {
 public:
  Executor(std::shared_ptr<Backend> backend, ExecutorOptions options);
  ~Executor();  // running batches are canceled and waited for

  const Backend& backend() const { return *backend_; }
  std::string_view backend_name() const { return backend_->name(); }

  // A processing tool's plan: its dry run, its result, or — async — its job's answer.
  Result<nlohmann::json> run(const Plan& plan, const Call& call);
  Result<nlohmann::json> job_status(const JobStatusRequest& request, const Call& call);
  Result<nlohmann::json> object_list(const ObjectListRequest& request);
  Result<nlohmann::json> object_head(const std::string& key,
                                     const std::optional<std::string>& bucket,
                                     const std::optional<std::string>& region);
  Result<nlohmann::json> doctor();
  Result<nlohmann::json> imm_setup(const nlohmann::json& args);
  Result<nlohmann::json> read_result(const std::string& uri);
  // batch_process: a dry run, or the batch's answer after waiting up to its wait_seconds.
  Result<nlohmann::json> run_batch(const BatchRequest& request, const Call& call);
  // resources/read of a batch's manifest (oss-media://batch/<batch_id>).
  Result<nlohmann::json> read_batch_manifest(const std::string& uri);

  // The answer a job's view gives (running, succeeded, canceled; a failed job is its error).
  Result<nlohmann::json> job_answer(const JobView& view) const;

 private:
  Result<nlohmann::json> run_job(const Plan& plan, const Call& call);
  // Starts a job (a backend's or a batch), announces it and waits for it as the call allows.
  Result<JobView> await_job(const std::function<Result<JobTicket>(const RunContext&)>& start,
                            std::int64_t wait_seconds, const Call& call);
  Result<JobView> job_view(const std::string& id, std::chrono::milliseconds wait,
                           const RunContext& context);
  Result<JobView> cancel_job(const std::string& id);
  Result<nlohmann::json> shaped(Result<nlohmann::json> r) const;

  std::shared_ptr<Backend> backend_;
  ExecutorOptions options_;
  std::unique_ptr<BatchRunner> batches_;
};

}  // namespace omm::core

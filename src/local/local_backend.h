// local::LocalBackend: the core::Backend of this machine — a folder as the bucket, engine workers
// for the media (LocalExecutor), async plans as jobs in threads with a journal (JobManager).
//
// Nothing is touched at construction: the executor and the job manager are made on first use
// (opening the journal recovers the jobs of a previous server before any tool runs); a failure
// to make them is the answer of every call. Destroying the backend cancels running jobs first.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "core/backend.h"
#include "local/executor.h"
#include "local/job_manager.h"

namespace omm::local {

class LocalBackend : public core::Backend {
 public:
  using Factory = std::function<Result<std::shared_ptr<LocalExecutor>>()>;
  explicit LocalBackend(Factory make);
  ~LocalBackend() override;

  std::string_view name() const override { return "local"; }
  Status check_location(std::string_view tool, const std::optional<std::string>& bucket,
                        const std::optional<std::string>& region) override;
  Status check_request(const core::Plan& plan) override;
  Status check(const core::Plan& plan) override;
  Result<nlohmann::json> run(const core::Plan& plan, const core::RunContext& context) override;
  Result<core::JobTicket> start_job(const core::Plan& plan,
                                    const core::RunContext& context) override;
  Result<core::JobView> job(const std::string& id, std::chrono::milliseconds wait,
                            const core::RunContext& context) override;
  Result<core::JobView> cancel_job(const std::string& id, std::chrono::milliseconds wait) override;
  Result<nlohmann::json> list_objects(const core::ObjectListRequest& request) override;
  Result<nlohmann::json> head_object(const std::string& key,
                                     const std::optional<std::string>& bucket) override;
  Result<nlohmann::json> doctor() override;
  Result<nlohmann::json> imm_setup(const nlohmann::json& args) override;
  Result<nlohmann::json> read_result(const std::string& uri) override;
  Status without_server_paths(Status status) const override;
  // The `.omm-part-*` temporaries of the plan's output (save or download) beside it.
  void discard_partial(const core::Plan& plan) override;
  // One item per engine worker: the pool runs them side by side.
  size_t batch_concurrency() const override;

  // The executor, made on first use (the oss backend borrows its files and probes).
  Result<std::shared_ptr<LocalExecutor>> executor();

 private:
  Result<JobManager*> jobs();

  Factory make_;
  std::once_flag once_;
  Status status_;
  std::shared_ptr<LocalExecutor> executor_;
  std::unique_ptr<JobManager> jobs_;  // declared after executor_: destroyed first
};

// A journal record as the core sees a job.
core::JobView job_view(const JobRecord& record);

}  // namespace omm::local

// core::LazyBackend: a Backend made on its first use. Start-up stays free of work — the oss
// backend resolves no credential, drains no cleanup journal and opens no connection until a call
// needs it; a failure to make the backend is the answer of every call. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/backend.h"

namespace omm::core {

class LazyBackend : public Backend {
 public:
  using Factory = std::function<Result<std::shared_ptr<Backend>>()>;
  LazyBackend(std::string name, Factory make) : name_(std::move(name)), make_(std::move(make)) {}

  std::string_view name() const override { return name_; }
  Status check_location(std::string_view tool, const std::optional<std::string>& bucket,
                        const std::optional<std::string>& region) override;
  Status check_request(const Plan& plan) override;
  Status check(const Plan& plan) override;
  Result<nlohmann::json> run(const Plan& plan, const RunContext& context) override;
  Result<JobTicket> start_job(const Plan& plan, const RunContext& context) override;
  Result<JobView> job(const std::string& id, std::chrono::milliseconds wait,
                      const RunContext& context) override;
  Result<JobView> cancel_job(const std::string& id, std::chrono::milliseconds wait) override;
  Result<nlohmann::json> list_objects(const ObjectListRequest& request) override;
  Result<nlohmann::json> head_object(const std::string& key,
                                     const std::optional<std::string>& bucket) override;
  Result<nlohmann::json> doctor() override;
  Result<nlohmann::json> imm_setup(const nlohmann::json& args) override;
  Result<nlohmann::json> read_result(const std::string& uri) override;
  Status without_server_paths(Status status) const override;
  void discard_partial(const Plan& plan) override {
    if (backend_) backend_->discard_partial(plan);
  }
  size_t batch_concurrency() const override { return backend_ ? backend_->batch_concurrency() : 4; }

  // The backend, made now if it was not yet.
  Result<Backend*> get();

 private:
  std::string name_;
  Factory make_;
  std::once_flag once_;
  std::shared_ptr<Backend> backend_;
  Status status_;
};

}  // namespace omm::core

#include "core/lazy_backend.h"

namespace omm::core {

Result<Backend*> LazyBackend::get() {
  std::call_once(once_, [this] {
    if (!make_) {
      status_ = Status::error("backend.unavailable", "no backend is configured");
      return;
    }
    auto r = make_();
    if (r.ok()) {
      backend_ = std::move(*r);
    } else {
      status_ = r.status();
    }
  });
  if (!backend_) return status_;
  return backend_.get();
}

Status LazyBackend::check_location(std::string_view tool, const std::optional<std::string>& bucket,
                                   const std::optional<std::string>& region) {
  auto b = get();
  return b.ok() ? (*b)->check_location(tool, bucket, region) : b.status();
}

Status LazyBackend::check_request(const Plan& plan) {
  auto b = get();
  return b.ok() ? (*b)->check_request(plan) : b.status();
}

Status LazyBackend::check(const Plan& plan) {
  auto b = get();
  return b.ok() ? (*b)->check(plan) : b.status();
}

Result<nlohmann::json> LazyBackend::run(const Plan& plan, const RunContext& context) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->run(plan, context);
}

Result<JobTicket> LazyBackend::start_job(const Plan& plan, const RunContext& context) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->start_job(plan, context);
}

Result<JobView> LazyBackend::job(const std::string& id, std::chrono::milliseconds wait,
                                 const RunContext& context) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->job(id, wait, context);
}

Result<JobView> LazyBackend::cancel_job(const std::string& id, std::chrono::milliseconds wait) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->cancel_job(id, wait);
}

Result<nlohmann::json> LazyBackend::list_objects(const ObjectListRequest& request) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->list_objects(request);
}

Result<nlohmann::json> LazyBackend::head_object(const std::string& key,
                                                const std::optional<std::string>& bucket) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->head_object(key, bucket);
}

Result<nlohmann::json> LazyBackend::doctor() {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->doctor();
}

Result<nlohmann::json> LazyBackend::imm_setup(const nlohmann::json& args) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->imm_setup(args);
}

Result<nlohmann::json> LazyBackend::read_result(const std::string& uri) {
  auto b = get();
  if (!b.ok()) return b.status();
  return (*b)->read_result(uri);
}

Status LazyBackend::without_server_paths(Status status) const {
  return backend_ ? backend_->without_server_paths(std::move(status)) : status;
}

}  // namespace omm::core

#include "local/local_backend.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/render.h"
#include "local/state_dir.h"

namespace omm::local {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Directories where a job writes hidden temporary names (for clean-up after a crash).
std::vector<std::string> partial_dirs(const LocalExecutor& executor, const core::Plan& plan) {
  std::vector<std::string> dirs;
  if (!plan.output.target_key.empty()) {
    auto p = executor.store().path_for(plan.output.target_key);
    if (p.ok()) dirs.push_back(fs::path(*p).parent_path().string());
  }
  if (!plan.output.path.empty()) {
    fs::path p = fs::path(plan.output.path).is_absolute()
                     ? fs::path(plan.output.path)
                     : fs::path(executor.options().output_dir) / plan.output.path;
    dirs.push_back(p.lexically_normal().parent_path().string());
  }
  return dirs;
}

Status check_only() {
  return Status::error("backend.unavailable",
                       "this backend was made only to check requests (a dry run)");
}

core::JobPhase phase_of(JobState state) {
  switch (state) {
    case JobState::kRunning:
      return core::JobPhase::kRunning;
    case JobState::kSucceeded:
      return core::JobPhase::kSucceeded;
    case JobState::kFailed:
      return core::JobPhase::kFailed;
    case JobState::kCanceled:
      return core::JobPhase::kCanceled;
  }
  return core::JobPhase::kFailed;
}

}  // namespace

core::JobView job_view(const JobRecord& r) {
  core::JobView v;
  v.id = r.job_id;
  v.phase = phase_of(r.state);
  v.queued = r.queued;
  if (r.state == JobState::kSucceeded && r.result.is_object()) v.fields = r.result;
  v.fields["tool"] = r.tool;
  v.fields["operations"] = r.operations;
  v.fields["request_id"] = r.request_id;
  if (!r.target_key.empty()) v.fields["target_key"] = r.target_key;
  if (r.state == JobState::kFailed) v.error = Status::error(r.error_id, r.error_message);
  v.reason = r.reason;
  return v;
}

LocalBackend::LocalBackend(Factory make) : make_(std::move(make)) {}

LocalBackend::~LocalBackend() {
  jobs_.reset();  // cancels running jobs before the executor goes
}

Result<std::shared_ptr<LocalExecutor>> LocalBackend::executor() {
  std::call_once(once_, [this] {
    if (!make_) {
      status_ = Status::error("backend.unavailable", "no backend is configured");
      return;
    }
    auto r = make_();
    if (!r.ok()) {
      status_ = r.status();
      return;
    }
    const LocalOptions& lo = (*r)->options();
    if (lo.check_only) {
      executor_ = *r;
      return;
    }
    auto dir = job_journal_dir(lo.state_dir.empty() ? state_dir_path("") : lo.state_dir,
                               (*r)->store().root());
    if (!dir.ok()) {
      status_ = dir.status();
      return;
    }
    JobManagerOptions o;
    o.journal_dir = *dir;
    o.partial_areas = {(*r)->store().root(), lo.output_dir};
    o.max_running = lo.max_jobs;
    o.max_queued = lo.job_queue;
    auto jobs = JobManager::open(o);
    if (!jobs.ok()) {
      status_ = jobs.status();
      return;
    }
    executor_ = *r;
    jobs_ = std::move(*jobs);
  });
  if (!executor_) return status_;
  return executor_;
}

Result<JobManager*> LocalBackend::jobs() {
  auto e = executor();
  if (!e.ok()) return e.status();
  if (!jobs_) return check_only();
  return jobs_.get();
}

Status LocalBackend::check_location(std::string_view tool, const std::optional<std::string>& bucket,
                                    const std::optional<std::string>& region) {
  if (!bucket && !region) return Status::ok();
  return Status::error(
      fmt::format("invalid_argument.{}.{}", tool, bucket ? "bucket" : "region"),
      "bucket and region select the oss backend; the local backend has one bucket, its root "
      "directory");
}

Status LocalBackend::check_request(const core::Plan& plan) {
  if (Status s = check_location(plan.tool, plan.bucket, plan.region); !s) return s;
  auto e = executor();
  if (!e.ok()) return e.status();
  return (*e)->files()->check_paths(plan);
}

Status LocalBackend::check(const core::Plan& plan) {
  if (Status s = check_request(plan); !s) return s;
  if (plan.source.kind != core::Source::Kind::kKey) return Status::ok();
  auto e = executor();
  if (!e.ok()) return e.status();
  auto head = (*e)->store().head(plan.source.value);
  return head.ok() ? Status::ok() : (*e)->without_server_paths(head.status());
}

Result<json> LocalBackend::run(const core::Plan& plan, const core::RunContext& context) {
  auto e = executor();
  if (!e.ok()) return e.status();
  if ((*e)->options().check_only) return check_only();
  return (*e)->run(plan, context);
}

Result<core::JobTicket> LocalBackend::start_job(const core::Plan& plan,
                                                const core::RunContext& context) {
  auto e = executor();
  if (!e.ok()) return e.status();
  if (!jobs_) return check_only();
  std::shared_ptr<LocalExecutor> executor = *e;
  JobSpec spec;
  spec.tool = plan.tool;
  spec.operations = core::render_operations(plan);
  spec.target_key = plan.output.target_key;
  spec.request_id = new_request_id();
  spec.partial_dirs = partial_dirs(*executor, plan);
  std::string request_id = spec.request_id;
  auto work = [executor, plan, request_id](const RunContext& rc) -> Result<json> {
    auto r = executor->run(plan, rc);
    if (r.ok() && r->is_object()) (*r)["request_id"] = request_id;  // one id for the whole job
    return r;
  };
  auto progress = context.progress;
  auto id =
      jobs_->start(std::move(spec), std::move(work), [progress](double f, const std::string& m) {
        if (progress) progress(f, m);
      });
  if (!id.ok()) return id.status();
  return core::JobTicket{*id, std::nullopt};
}

Result<core::JobView> LocalBackend::job(const std::string& id, std::chrono::milliseconds wait,
                                        const core::RunContext& context) {
  auto j = jobs();
  if (!j.ok()) return j.status();
  // In slices, so that the caller's cancellation is seen.
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto r = (*j)->wait(
        id, std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(100)));
    if (!r.ok()) return r.status();
    if (r->terminal() || left.count() <= 0 || (context.cancelled && context.cancelled())) {
      return job_view(*r);
    }
  }
}

Result<core::JobView> LocalBackend::cancel_job(const std::string& id,
                                               std::chrono::milliseconds wait) {
  auto j = jobs();
  if (!j.ok()) return j.status();
  auto r = (*j)->cancel(id, wait);
  if (!r.ok()) return r.status();
  return job_view(*r);
}

Result<json> LocalBackend::list_objects(const core::ObjectListRequest& request) {
  auto e = executor();
  if (!e.ok()) return e.status();
  return (*e)->list(request);
}

Result<json> LocalBackend::head_object(const std::string& key, const std::optional<std::string>&) {
  auto e = executor();
  if (!e.ok()) return e.status();
  return (*e)->head(key);
}

Result<json> LocalBackend::doctor() {
  auto e = executor();
  if (!e.ok()) return e.status();
  return (*e)->doctor();
}

Result<json> LocalBackend::imm_setup(const json&) {
  return Status::error(
      "unsupported_on_backend.imm_setup",
      "imm_setup binds an OSS bucket to an IMM project; the local backend needs no setup");
}

Result<json> LocalBackend::read_result(const std::string& uri) {
  return Status::error("resource.not_found",
                       fmt::format("Resource not found: {} (the local backend's url results are "
                                   "links of its own, read them directly)",
                                   uri));
}

void LocalBackend::discard_partial(const core::Plan& plan) {
  auto e = executor();
  if (!e.ok()) return;
  if (plan.output.mode != core::OutputMode::kSave &&
      plan.output.mode != core::OutputMode::kDownload) {
    return;  // nothing written beside an output
  }
  Result<std::string> target =
      plan.output.mode == core::OutputMode::kSave
          ? (*e)->store().path_for(plan.output.target_key)
          : (*e)->files()->resolve_download_path(plan.tool, plan.output.path);
  if (!target.ok()) return;
  const fs::path final_path(*target);
  const std::string mark = "-" + final_path.filename().string().substr(0, 180);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(final_path.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(".omm-part-", 0) == 0 && name.find(mark) != std::string::npos) {
      std::error_code rm;
      fs::remove_all(entry.path(), rm);
    }
  }
}

size_t LocalBackend::batch_concurrency() const {
  size_t workers = executor_ ? executor_->options().workers : 0;
  return workers > 0 ? workers : std::max(1u, std::thread::hardware_concurrency());
}

Status LocalBackend::without_server_paths(Status status) const {
  return executor_ ? executor_->without_server_paths(std::move(status)) : status;
}

}  // namespace omm::local

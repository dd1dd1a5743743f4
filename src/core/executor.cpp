#include "core/executor.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <mutex>

#include "core/dry_run.h"

namespace omm::core {

using nlohmann::json;

namespace {

// Forwards a job's progress to the call that started it: first the announcement naming the job,
// then the job's own fractions — and nothing once detached (the call has answered).
class ProgressRelay {
 public:
  explicit ProgressRelay(const Call& call) : call_(&call) {}
  void announce(const std::string& job_id) {
    std::lock_guard<std::mutex> lock(mu_);
    job_id_ = job_id;
    if (call_ && call_->progress) call_->progress(0, 100.0, fmt::format("job {} started", job_id));
  }
  void forward(double fraction, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (call_ == nullptr || !call_->progress || job_id_.empty()) return;  // before the announcement
    std::string text =
        message.rfind("job ", 0) == 0 ? message : fmt::format("job {}: {}", job_id_, message);
    call_->progress(std::clamp(fraction, 0.0, 1.0) * 100.0, 100.0, text);
  }
  void detach() {
    std::lock_guard<std::mutex> lock(mu_);
    call_ = nullptr;
  }

 private:
  std::mutex mu_;
  const Call* call_;
  std::string job_id_;
};

RunContext context_of(const Call& call) {
  RunContext rc;
  rc.cancelled = call.cancelled;
  if (call.progress) {
    auto progress = call.progress;
    rc.progress = [progress](double fraction, const std::string& message) {
      progress(std::clamp(fraction, 0.0, 1.0) * 100.0, 100.0, message);
    };
  }
  return rc;
}

}  // namespace

std::string_view to_string(JobPhase phase) {
  switch (phase) {
    case JobPhase::kRunning:
      return "running";
    case JobPhase::kSucceeded:
      return "succeeded";
    case JobPhase::kFailed:
      return "failed";
    case JobPhase::kCanceled:
      return "canceled";
  }
  return "failed";
}

Executor::Executor(std::shared_ptr<Backend> backend, ExecutorOptions options)
    : backend_(std::move(backend)), options_(std::move(options)) {
  BatchOptions bo;
  bo.dir = options_.batch_dir;
  bo.max_batches = options_.max_batches;
  bo.max_wait_seconds = options_.max_wait_seconds;
  bo.plan_options.max_wait_seconds = options_.max_wait_seconds;
  batches_ = std::make_unique<BatchRunner>(*backend_, bo);
}

Executor::~Executor() = default;

Result<JobView> Executor::job_view(const std::string& id, std::chrono::milliseconds wait,
                                   const RunContext& context) {
  if (BatchRunner::is_batch_job(id)) return batches_->view(id, wait, context);
  return backend_->job(id, wait, context);
}

Result<JobView> Executor::cancel_job(const std::string& id) {
  if (BatchRunner::is_batch_job(id)) return batches_->cancel(id, options_.cancel_wait);
  return backend_->cancel_job(id, options_.cancel_wait);
}

Result<JobView> Executor::await_job(
    const std::function<Result<JobTicket>(const RunContext&)>& start, std::int64_t wait_seconds,
    const Call& call) {
  auto relay = std::make_shared<ProgressRelay>(call);
  RunContext rc;
  rc.cancelled = call.cancelled;
  rc.progress = [relay](double fraction, const std::string& message) {
    relay->forward(fraction, message);
  };
  auto ticket = start(rc);
  if (!ticket.ok()) {
    relay->detach();
    return ticket.status();
  }
  if (ticket->done) {
    relay->detach();
    return *ticket->done;
  }
  // Announced with a progress token: from here on the job belongs to the client, and only
  // job_status cancels it.
  relay->announce(ticket->id);
  const bool announced = call.announces;
  std::int64_t wait = std::clamp<std::int64_t>(wait_seconds, 0, options_.max_wait_seconds);
  auto view = job_view(ticket->id, std::chrono::seconds(wait), rc);
  if (view.ok() && !view->terminal() && call.cancelled && call.cancelled() && !announced) {
    view = cancel_job(ticket->id);
  }
  relay->detach();
  return view;
}

Result<json> Executor::shaped(Result<json> r) const {
  if (!r.ok()) return backend_->without_server_paths(r.status());
  if (r->is_object()) {
    (*r)["success"] = true;
    if (!r->contains("backend")) (*r)["backend"] = std::string(backend_->name());
  }
  return r;
}

Result<json> Executor::run(const Plan& plan, const Call& call) {
  // A dry run answers after the same checks as the real run (DESIGN.md "Results").
  if (Status s = backend_->check_request(plan); !s) return backend_->without_server_paths(s);
  if (plan.dry_run) return dry_run_result(plan, plan.bucket.value_or(options_.bucket));
  if (plan.category == Category::kAsync) return shaped(run_job(plan, call));
  return shaped(backend_->run(plan, context_of(call)));
}

Result<json> Executor::run_job(const Plan& plan, const Call& call) {
  // What fails at once fails the call, not a job.
  if (Status s = backend_->check(plan); !s) return s;
  auto view = await_job([&](const RunContext& rc) { return backend_->start_job(plan, rc); },
                        plan.wait_seconds.value_or(options_.default_wait_seconds), call);
  if (!view.ok()) return view.status();
  if (view->phase == JobPhase::kFailed) return view->error;  // the job's own error
  if (view->phase == JobPhase::kCanceled) {
    return Status::error("cancelled", fmt::format("job {} was canceled", view->id));
  }
  return job_answer(*view);
}

Result<json> Executor::run_batch(const BatchRequest& request, const Call& call) {
  if (Status s = backend_->check_location("batch_process", request.bucket, request.region); !s) {
    return s;
  }
  if (Status s = batches_->check(request); !s) return backend_->without_server_paths(s);
  if (request.dry_run) return shaped(batches_->dry_run(request));
  auto view = await_job([&](const RunContext& rc) { return batches_->start(request, rc); },
                        request.wait_seconds.value_or(options_.default_wait_seconds), call);
  if (!view.ok()) return backend_->without_server_paths(view.status());
  return job_answer(*view);
}

Result<json> Executor::read_batch_manifest(const std::string& uri) {
  constexpr std::string_view kPrefix = "oss-media://batch/";
  if (uri.rfind(kPrefix, 0) != 0) {
    return Status::error("resource.not_found", "Resource not found: " + uri);
  }
  auto text = batches_->manifest_text(uri.substr(kPrefix.size()));
  if (!text.ok()) return text.status();
  return json::array({{{"uri", uri}, {"mimeType", "application/jsonl"}, {"text", *text}}});
}

Result<json> Executor::job_answer(const JobView& view) const {
  if (view.phase == JobPhase::kFailed) {
    std::string message = view.error.message().find(view.id) != std::string::npos
                              ? view.error.message()
                              : fmt::format("job {} ({}) failed: {}", view.id,
                                            view.fields.value("tool", ""), view.error.message());
    return Status::error(view.error.id(), message);
  }
  json out = view.fields.is_object() ? view.fields : json::object();
  out["success"] = true;
  out["backend"] = std::string(backend_->name());
  if (!view.id.empty()) out["job_id"] = view.id;
  // A batch that ran reports its own outcome (succeeded, partial, failed).
  if (!(view.phase == JobPhase::kSucceeded && out.contains("batch_id"))) {
    out["status"] = std::string(to_string(view.phase));
  }
  if (view.phase == JobPhase::kRunning && view.queued) out["queued"] = true;
  if (view.phase == JobPhase::kCanceled && !view.reason.empty()) out["reason"] = view.reason;
  return out;
}

Result<json> Executor::job_status(const JobStatusRequest& request, const Call& call) {
  Result<JobView> view =
      request.cancel ? cancel_job(request.job_id)
                     : job_view(request.job_id, std::chrono::milliseconds(0), context_of(call));
  if (view.ok() && !view->terminal() && request.wait_seconds > 0) {
    std::int64_t wait = std::min(request.wait_seconds, options_.max_wait_seconds);
    auto relay = std::make_shared<ProgressRelay>(call);
    relay->announce(request.job_id);
    RunContext rc;
    rc.cancelled = call.cancelled;
    rc.progress = [relay](double f, const std::string& m) { relay->forward(f, m); };
    view = job_view(request.job_id, std::chrono::seconds(wait), rc);
    relay->detach();
  }
  if (!view.ok()) return backend_->without_server_paths(view.status());
  auto r = job_answer(*view);
  if (!r.ok()) return backend_->without_server_paths(r.status());
  return r;
}

Result<json> Executor::object_list(const ObjectListRequest& request) {
  if (Status s = backend_->check_location("object_list", request.bucket, request.region); !s) {
    return s;
  }
  return shaped(backend_->list_objects(request));
}

Result<json> Executor::object_head(const std::string& key, const std::optional<std::string>& bucket,
                                   const std::optional<std::string>& region) {
  if (Status s = backend_->check_location("object_head", bucket, region); !s) return s;
  return shaped(backend_->head_object(key, bucket));
}

Result<json> Executor::doctor() { return shaped(backend_->doctor()); }

Result<json> Executor::imm_setup(const json& args) { return shaped(backend_->imm_setup(args)); }

Result<json> Executor::read_result(const std::string& uri) {
  auto r = backend_->read_result(uri);
  if (!r.ok()) return backend_->without_server_paths(r.status());
  return r;
}

}  // namespace omm::core

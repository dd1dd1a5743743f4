#include "tools/product_tools.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/dry_run.h"
#include "core/embedded.h"
#include "core/object_key.h"
#include "core/plan_from_tool.h"
#include "core/render.h"
#include "local/executor.h"
#include "local/job_manager.h"
#include "local/state_dir.h"
#include "mcp/server.h"
#include "oss_backend/executor.h"

namespace omm::tools {

namespace {

using nlohmann::json;

constexpr const char* kTools[] = {
    "audio_transcode", "doctor",          "hls_playlist",   "image_detect",
    "image_inspect",   "image_process",   "image_watermark_extract",
    "imm_setup",       "job_status",      "media_concat",   "media_info",
    "object_download", "object_head",     "object_list",    "object_upload",
    "video_animation", "video_frames",    "video_snapshot", "video_sprite",
    "video_transcode",
};

// Tools that run a core::Plan (and so take dry_run).
bool has_plan(std::string_view tool) {
  return tool != "object_list" && tool != "object_head" && tool != "job_status" &&
         tool != "imm_setup" && tool != "doctor";
}

json parse_embedded(std::span<const embedded::File> files, const std::string& path) {
  auto text = embedded::find(files, path);
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

// The descriptive fields come from the tool's build-time tools/list entry (embedded::tool_listing(),
// derived by tools/gen_schemas.py from the validation, published and output schemas); tools/list
// itself sends that text as is (listing_json), so this runs only when something asks for the fields.
void describe(mcp::ToolSpec& spec) {
  json t = parse_embedded(embedded::tool_listing(), spec.name + ".json");
  if (!t.is_object()) return;
  spec.title = t.value("title", spec.title);
  spec.description = t.value("description", spec.description);
  if (t.contains("inputSchema")) spec.input_schema = std::move(t["inputSchema"]);
  if (t.contains("outputSchema")) spec.output_schema = std::move(t["outputSchema"]);
  if (t.contains("annotations")) spec.annotations = std::move(t["annotations"]);
}

// The local executor and its job manager, created once on first use (opening the job journal
// recovers jobs of a previous server before any tool runs). Destroying it cancels running jobs
// first, then the executor goes.
class LazyLocal {
 public:
  explicit LazyLocal(std::function<Result<std::shared_ptr<local::LocalExecutor>>()> make)
      : make_(std::move(make)) {}
  Result<std::shared_ptr<local::LocalExecutor>> get() {
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
      const local::LocalOptions& lo = (*r)->options();
      local::JobManagerOptions o;
      auto dir = local::job_journal_dir(
          lo.state_dir.empty() ? local::state_dir_path("") : lo.state_dir, (*r)->store().root());
      if (!dir.ok()) {
        status_ = dir.status();
        return;
      }
      o.journal_dir = *dir;
      o.partial_areas = {(*r)->store().root(), lo.output_dir};
      o.max_running = lo.max_jobs;
      o.max_queued = lo.job_queue;
      auto jobs = local::JobManager::open(o);
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
  // Valid once get() succeeded.
  local::JobManager& jobs() { return *jobs_; }

 private:
  std::function<Result<std::shared_ptr<local::LocalExecutor>>()> make_;
  std::once_flag once_;
  std::shared_ptr<local::LocalExecutor> executor_;
  std::unique_ptr<local::JobManager> jobs_;  // declared after executor_: destroyed first
  Status status_;
};

// The oss executor, created once on first use.
class LazyOss {
 public:
  explicit LazyOss(std::function<Result<std::shared_ptr<oss_backend::OssExecutor>>()> make)
      : make_(std::move(make)) {}
  Result<std::shared_ptr<oss_backend::OssExecutor>> get() {
    std::call_once(once_, [this] {
      if (!make_) {
        status_ = Status::error("backend.unavailable", "the oss backend is not configured");
        return;
      }
      auto r = make_();
      if (!r.ok()) {
        status_ = r.status();
        return;
      }
      executor_ = *r;
    });
    if (!executor_) return status_;
    return executor_;
  }

 private:
  std::function<Result<std::shared_ptr<oss_backend::OssExecutor>>()> make_;
  std::once_flag once_;
  std::shared_ptr<oss_backend::OssExecutor> executor_;
  Status status_;
};

struct Backends {
  Backends(const ProductToolOptions& o) : local(o.local), oss(o.oss) {}
  LazyLocal local;
  LazyOss oss;
};

local::RunContext run_context(mcp::CallContext& ctx) {
  local::RunContext rc;
  rc.cancelled = [&ctx] { return ctx.cancelled(); };
  rc.progress = [&ctx](double fraction, const std::string& message) {
    ctx.progress(fraction * 100.0, 100.0, message);
  };
  return rc;
}

// A request the executor refuses before any work (bucket/region on the local backend, a missing
// source object) gets its error in the call itself, not as a failed job.
bool fails_at_once(const local::LocalExecutor& executor, const core::Plan& plan) {
  if (plan.bucket || plan.region) return true;
  return plan.source.kind == core::Source::Kind::kKey &&
         !executor.store().head(plan.source.value).ok();
}

// Forwards a job's progress to the tool call that started it: first the announcement naming the
// job id, then FFmpeg's fraction — and nothing once the call has returned (detach()).
class ProgressRelay {
 public:
  explicit ProgressRelay(mcp::CallContext& ctx) : ctx_(&ctx) {}
  void announce(const std::string& job_id) {
    std::lock_guard<std::mutex> lock(mu_);
    job_id_ = job_id;
    if (ctx_) ctx_->progress(0, 100.0, fmt::format("job {} started", job_id));
  }
  void forward(double fraction, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ctx_ && !job_id_.empty()) {
      ctx_->progress(fraction * 100.0, 100.0, fmt::format("job {}: {}", job_id_, message));
    }
  }
  void detach() {
    std::lock_guard<std::mutex> lock(mu_);
    ctx_ = nullptr;
  }

 private:
  std::mutex mu_;
  mcp::CallContext* ctx_;
  std::string job_id_;  // empty until announced: earlier progress is dropped
};

// Directories where a job writes hidden temporary names (for clean-up after a crash).
std::vector<std::string> partial_dirs(const local::LocalExecutor& executor,
                                      const core::Plan& plan) {
  namespace fs = std::filesystem;
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

// Waits for a job in slices so the call's cancellation is seen; returns the last record.
Result<local::JobRecord> wait_for_job(local::JobManager& jobs, const std::string& id,
                                      std::chrono::seconds wait, mcp::CallContext& ctx) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto r = jobs.wait(
        id, std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(100)));
    if (!r.ok() || r->terminal() || ctx.cancelled() || left.count() <= 0) return r;
  }
}

json running_answer(const local::JobRecord& r) {
  json out{{"success", true},           {"status", "running"}, {"job_id", r.job_id},
           {"backend", "local"},        {"tool", r.tool},      {"operations", r.operations},
           {"request_id", r.request_id}};
  if (!r.target_key.empty()) out["target_key"] = r.target_key;
  if (r.queued) out["queued"] = true;  // waiting for a job slot (--max-jobs)
  return out;
}

// An async plan on the local backend: a job that outlives the call; the call waits up to
// wait_seconds for it (DESIGN.md "Async jobs").
json run_local_job(const ProductToolOptions& options, LazyLocal& local,
                   const std::shared_ptr<local::LocalExecutor>& executor, mcp::CallContext& ctx,
                   const core::Plan& plan) {
  local::JobSpec spec;
  spec.tool = plan.tool;
  spec.operations = core::render_operations(plan);
  spec.target_key = plan.output.target_key;
  spec.request_id = local::new_request_id();
  spec.partial_dirs = partial_dirs(*executor, plan);
  auto relay = std::make_shared<ProgressRelay>(ctx);
  std::string request_id = spec.request_id;
  auto work = [executor, plan, request_id](const local::RunContext& rc) -> Result<json> {
    auto r = executor->run(plan, rc);
    if (r.ok() && r->is_object()) (*r)["request_id"] = request_id;  // one id for the whole job
    return r;
  };
  auto id = local.jobs().start(std::move(spec), std::move(work),
                               [relay](double f, const std::string& m) { relay->forward(f, m); });
  if (!id.ok()) return mcp::error_result(id.status());
  // With a progress token the id is announced now: from here on the job belongs to the client
  // and only job_status cancels it.
  const bool announced = ctx.has_progress_token();
  relay->announce(*id);
  std::int64_t wait = std::min(plan.wait_seconds.value_or(45), options.max_wait_seconds);
  auto r =
      wait_for_job(local.jobs(), *id, std::chrono::seconds(std::max<std::int64_t>(wait, 0)), ctx);
  if (r.ok() && !r->terminal() && ctx.cancelled() && !announced) {
    r = local.jobs().cancel(*id, std::chrono::seconds(30));
  }
  relay->detach();
  if (!r.ok()) return mcp::error_result(r.status());
  switch (r->state) {
    case local::JobState::kSucceeded:
      return mcp::structured_result(r->result);
    case local::JobState::kFailed:
      return mcp::error_result(Status::error(r->error_id, r->error_message));
    case local::JobState::kCanceled:
      return mcp::error_result(
          Status::error("cancelled", fmt::format("job {} was canceled", r->job_id)));
    case local::JobState::kRunning:
      break;
  }
  return mcp::structured_result(running_answer(*r));
}

// job_status on the local backend: {job_id, wait_seconds (default 0), cancel}.
json local_job_status(LazyLocal& local, mcp::CallContext& ctx, const json& args) {
  auto executor = local.get();
  if (!executor.ok()) return mcp::error_result(executor.status());
  const std::string id = args.value("job_id", "");
  const std::int64_t wait = args.value("wait_seconds", std::int64_t{0});
  Result<local::JobRecord> r = args.value("cancel", false)
                                   ? local.jobs().cancel(id, std::chrono::seconds(30))
                                   : local.jobs().status(id);
  if (r.ok() && !r->terminal() && wait > 0) {
    r = wait_for_job(local.jobs(), id, std::chrono::seconds(wait), ctx);
  }
  if (!r.ok()) return mcp::error_result(r.status());
  switch (r->state) {
    case local::JobState::kSucceeded: {
      json out = r->result.is_object() ? r->result : json::object();
      out["success"] = true;
      out["backend"] = "local";
      out["job_id"] = r->job_id;
      out["status"] = "succeeded";
      return mcp::structured_result(out);
    }
    case local::JobState::kFailed: {
      std::string message =
          r->error_message.find(r->job_id) != std::string::npos
              ? r->error_message
              : fmt::format("job {} ({}) failed: {}", r->job_id, r->tool, r->error_message);
      return mcp::error_result(Status::error(r->error_id, message));
    }
    case local::JobState::kCanceled: {
      json out = running_answer(*r);
      out["status"] = "canceled";
      return mcp::structured_result(out);
    }
    case local::JobState::kRunning:
      break;
  }
  return mcp::structured_result(running_answer(*r));
}

json run_plan(const ProductToolOptions& options, Backends& backends, mcp::CallContext& ctx,
              const std::string& tool, const json& args) {
  LazyLocal& local = backends.local;
  core::PlanOptions plan_options;
  plan_options.max_wait_seconds = options.max_wait_seconds;
  Result<core::Plan> plan = core::plan_from_tool(tool, args, plan_options);
  if (!plan.ok()) return mcp::error_result(plan.status());
  std::string bucket = plan->bucket.value_or(options.bucket);
  if (plan->dry_run) return mcp::structured_result(core::dry_run_result(*plan, bucket));
  if (options.backend == "local") {
    auto executor = local.get();
    if (!executor.ok()) return mcp::error_result(executor.status());
    if (plan->category == core::Category::kAsync && !fails_at_once(**executor, *plan)) {
      return run_local_job(options, local, *executor, ctx, *plan);
    }
    auto result = (*executor)->run(*plan, run_context(ctx));
    if (!result.ok()) return mcp::error_result(result.status());
    return mcp::structured_result(*result);
  }
  auto oss = backends.oss.get();
  if (!oss.ok()) return mcp::error_result(oss.status());
  auto result = (*oss)->run(*plan, run_context(ctx));
  if (!result.ok()) return mcp::error_result((*oss)->files().without_server_paths(result.status()));
  return mcp::structured_result(*result);
}

json run_object_tool(const ProductToolOptions& options, Backends& backends,
                     const std::string& tool, const json& args) {
  LazyLocal& local = backends.local;
  if (tool == "object_head") {  // the one key rule of every tool (core/object_key.h)
    Status s = core::check_object_key(args.value("key", ""), core::ErrorScope(tool), "key");
    if (!s) return mcp::error_result(s);
  }
  if (options.backend == "local" &&
      (tool == "object_list" || tool == "object_head" || tool == "doctor")) {
    auto executor = local.get();
    if (!executor.ok()) return mcp::error_result(executor.status());
    auto result = (*executor)->run_object_tool(tool, args);
    if (!result.ok()) return mcp::error_result(result.status());
    return mcp::structured_result(*result);
  }
  if (options.backend == "local" && (tool == "imm_setup")) {
    return mcp::error_result(Status::error(
        "unsupported_on_backend.imm_setup",
        "imm_setup binds an OSS bucket to an IMM project; the local backend needs no setup"));
  }
  auto oss = backends.oss.get();
  if (!oss.ok()) return mcp::error_result(oss.status());
  auto result = (*oss)->run_object_tool(tool, args);
  if (!result.ok()) return mcp::error_result((*oss)->files().without_server_paths(result.status()));
  return mcp::structured_result(*result);
}

}  // namespace

const char* const* product_tool_names(size_t* count) {
  *count = sizeof(kTools) / sizeof(kTools[0]);
  return kTools;
}

void register_product_tools(mcp::Server& server, const ProductToolOptions& options) {
  auto backends = std::make_shared<Backends>(options);
  for (const char* name : kTools) {
    mcp::ToolSpec spec;
    spec.name = name;
    spec.description = name;
    spec.input_schema = json{{"type", "object"}};
    spec.validation_schema = spec.name + ".json";
    spec.describe = describe;
    if (auto text = embedded::find(embedded::tool_listing(), spec.name + ".json")) {
      spec.listing_json = *text;
    }
    std::string tool = name;
    if (has_plan(tool)) {
      spec.handler = [options, backends, tool](mcp::CallContext& ctx, const json& args) {
        return run_plan(options, *backends, ctx, tool, args);
      };
      // The core knows the precedence of its checks; when both refuse a call, its id wins so
      // the tool and the CLI report the same error for the same request.
      spec.refine_error = [tool](const json& args, const Status& schema_error) {
        Result<core::Plan> plan = core::plan_from_tool(tool, args);
        return plan.ok() ? schema_error : plan.status();
      };
    } else if (tool == "job_status") {
      spec.handler = [options, backends, tool](mcp::CallContext& ctx, const json& args) {
        if (options.backend == "local") return local_job_status(backends->local, ctx, args);
        auto oss = backends->oss.get();
        if (!oss.ok()) return mcp::error_result(oss.status());
        auto r = (*oss)->job_status(args, run_context(ctx));
        if (!r.ok()) return mcp::error_result((*oss)->files().without_server_paths(r.status()));
        return mcp::structured_result(*r);
      };
    } else {
      spec.handler = [options, backends, tool](mcp::CallContext&, const json& args) {
        return run_object_tool(options, *backends, tool, args);
      };
    }
    server.tools().add(std::move(spec));
  }
  if (options.backend == "oss") {
    // url-mode results of the oss backend: the signed URL stays in the server (DESIGN.md
    // "Output delivery"); the client reads the result through this resource.
    mcp::ResourceTemplateSpec result;
    result.uri_template = "oss-media://result/{id}";
    result.name = "result";
    result.description =
        "The output of a url-mode call on the oss backend (its resource_uri), fetched while "
        "the signed link is valid; at most 8 MiB.";
    result.read = [backends](const std::string& uri) -> Result<json> {
      auto oss = backends->oss.get();
      if (!oss.ok()) return oss.status();
      return (*oss)->read_result(uri);
    };
    server.resources().add_template(std::move(result));
  }
}

}  // namespace omm::tools

#include "tools/product_tools.h"

#include <spdlog/fmt/fmt.h>

#include <mutex>

#include <nlohmann/json.hpp>

#include "core/dry_run.h"
#include "core/embedded.h"
#include "core/plan_from_tool.h"
#include "local/executor.h"
#include "mcp/server.h"

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

void describe(mcp::ToolSpec& spec) {
  const std::string file = spec.name + ".json";
  json published = parse_embedded(embedded::published_schemas(), file);
  if (published.is_object()) {
    spec.description = published.value("description", spec.description);
    published.erase("description");  // the tool description carries it; don't send it twice
    spec.input_schema = std::move(published);
  }
  json output = parse_embedded(embedded::output_schemas(), file);
  if (output.is_object()) spec.output_schema = std::move(output);
  json validation = parse_embedded(embedded::schema_files(), file);
  if (validation.is_object()) {
    spec.title = validation.value("x-title", spec.title);
    if (validation.contains("x-annotations")) spec.annotations = validation["x-annotations"];
  }
  if (!spec.title.empty()) spec.annotations["title"] = spec.title;
}

// The local executor, created once on first use.
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
      if (r.ok()) {
        executor_ = *r;
      } else {
        status_ = r.status();
      }
    });
    if (!executor_) return status_;
    return executor_;
  }

 private:
  std::function<Result<std::shared_ptr<local::LocalExecutor>>()> make_;
  std::once_flag once_;
  std::shared_ptr<local::LocalExecutor> executor_;
  Status status_;
};

local::RunContext run_context(mcp::CallContext& ctx) {
  local::RunContext rc;
  rc.cancelled = [&ctx] { return ctx.cancelled(); };
  rc.progress = [&ctx](double fraction, const std::string& message) {
    ctx.progress(fraction * 100.0, 100.0, message);
  };
  return rc;
}

json run_plan(const ProductToolOptions& options, LazyLocal& local, mcp::CallContext& ctx,
              const std::string& tool, const json& args) {
  core::PlanOptions plan_options;
  plan_options.max_wait_seconds = options.max_wait_seconds;
  Result<core::Plan> plan = core::plan_from_tool(tool, args, plan_options);
  if (!plan.ok()) return mcp::error_result(plan.status());
  std::string bucket = plan->bucket.value_or(options.bucket);
  if (plan->dry_run) return mcp::structured_result(core::dry_run_result(*plan, bucket));
  if (options.backend == "local") {
    auto executor = local.get();
    if (!executor.ok()) return mcp::error_result(executor.status());
    auto result = (*executor)->run(*plan, run_context(ctx));
    if (!result.ok()) return mcp::error_result(result.status());
    return mcp::structured_result(*result);
  }
  return mcp::error_result(Status::error(
      "backend.unavailable",
      fmt::format("the {} backend cannot run {} in this build yet; dry_run: true shows the plan",
                  options.backend, tool)));
}

json run_object_tool(const ProductToolOptions& options, LazyLocal& local, const std::string& tool,
                     const json& args) {
  if (options.backend == "local" && (tool == "object_list" || tool == "object_head")) {
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
  return mcp::error_result(Status::error(
      "backend.unavailable",
      fmt::format("{} needs the {} backend, which this build cannot run yet", tool,
                  options.backend)));
}

}  // namespace

const char* const* product_tool_names(size_t* count) {
  *count = sizeof(kTools) / sizeof(kTools[0]);
  return kTools;
}

void register_product_tools(mcp::Server& server, const ProductToolOptions& options) {
  auto local = std::make_shared<LazyLocal>(options.local);
  for (const char* name : kTools) {
    mcp::ToolSpec spec;
    spec.name = name;
    spec.description = name;
    spec.input_schema = json{{"type", "object"}};
    spec.validation_schema = spec.name + ".json";
    spec.describe = describe;
    std::string tool = name;
    if (has_plan(tool)) {
      spec.handler = [options, local, tool](mcp::CallContext& ctx, const json& args) {
        return run_plan(options, *local, ctx, tool, args);
      };
      // The core knows the precedence of its checks; when both refuse a call, its id wins so
      // the tool and the CLI report the same error for the same request.
      spec.refine_error = [tool](const json& args, const Status& schema_error) {
        Result<core::Plan> plan = core::plan_from_tool(tool, args);
        return plan.ok() ? schema_error : plan.status();
      };
    } else {
      spec.handler = [options, local, tool](mcp::CallContext&, const json& args) {
        return run_object_tool(options, *local, tool, args);
      };
    }
    server.tools().add(std::move(spec));
  }
}

}  // namespace omm::tools

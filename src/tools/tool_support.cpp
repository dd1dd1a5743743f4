#include "tools/tool_support.h"

#include "core/dry_run.h"
#include "core/embedded.h"
#include "core/plan_from_tool.h"

namespace omm::tools {

using nlohmann::json;

namespace {

json parse_embedded(std::span<const embedded::File> files, const std::string& path) {
  auto text = embedded::find(files, path);
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

// The descriptive fields come from the tool's build-time tools/list entry
// (embedded::tool_listing(), derived by tools/gen_schemas.py from the validation, published and
// output schemas); tools/list itself sends that text as is (listing_json), so this runs only when
// something asks for the fields.
void describe(mcp::ToolSpec& spec) {
  json t = parse_embedded(embedded::tool_listing(), spec.name + ".json");
  if (!t.is_object()) return;
  spec.title = t.value("title", spec.title);
  spec.description = t.value("description", spec.description);
  if (t.contains("inputSchema")) spec.input_schema = std::move(t["inputSchema"]);
  if (t.contains("outputSchema")) spec.output_schema = std::move(t["outputSchema"]);
  if (t.contains("annotations")) spec.annotations = std::move(t["annotations"]);
}

}  // namespace

void from_json(const json& j, PlanArgs& a) { a.arguments = j; }

core::Call call_of(mcp::CallContext& ctx) {
  core::Call call;
  call.cancelled = [&ctx] { return ctx.cancelled(); };
  call.progress = [&ctx](double progress, double total, const std::string& message) {
    ctx.progress(progress, total, message);
  };
  call.announces = ctx.has_progress_token();
  return call;
}

mcp::ToolSpec product_spec(const std::string& name) {
  mcp::ToolSpec spec;
  spec.name = name;
  spec.description = name;
  spec.input_schema = json{{"type", "object"}};
  spec.validation_schema = name + ".json";
  spec.describe = describe;
  if (auto text = embedded::find(embedded::tool_listing(), name + ".json")) {
    spec.listing_json = *text;
  }
  return spec;
}

void add_plan_tool(mcp::Server& server, const ProductToolOptions& options,
                   const std::string& name) {
  mcp::ToolSpec spec = product_spec(name);
  // The core knows the precedence of its checks; when both refuse a call, its id wins so the
  // tool and the CLI report the same error for the same request.
  spec.refine_error = [name](const json& args, const Status& schema_error) {
    Result<core::Plan> plan = core::plan_from_tool(name, args);
    return plan.ok() ? schema_error : plan.status();
  };
  auto executor = options.executor;
  core::PlanOptions plan_options;
  plan_options.max_wait_seconds = options.max_wait_seconds;
  server.tools().add_typed<PlanArgs, json>(
      std::move(spec),
      [executor, name, plan_options](mcp::CallContext& ctx, const PlanArgs& in) -> Result<json> {
        Result<core::Plan> plan = core::plan_from_tool(name, in.arguments, plan_options);
        if (!plan.ok()) return plan.status();
        // A local path may also lie in one of the client's roots (DESIGN.md "Sources").
        if (plan->source.kind == core::Source::Kind::kUri &&
            plan->source.value.rfind("http://", 0) != 0 &&
            plan->source.value.rfind("https://", 0) != 0) {
          plan->roots = ctx.client_roots();
        }
        if (!executor) {
          if (plan->dry_run) return core::dry_run_result(*plan, plan->bucket.value_or(""));
          return Status::error("backend.unavailable", "no backend is configured");
        }
        return executor->run(*plan, call_of(ctx));
      });
}

}  // namespace omm::tools

// batch_process (DESIGN.md "Tools", "Results"): one processing tool over every object under a
// prefix or a list of keys, as a resumable job of the execution core (core/batch_runner.h), and
// the resource template its manifests are read through (oss-media://batch/{batch_id}).
#include "core/batch_request.h"
#include "core/plan_from_tool.h"
#include "mcp/resource_registry.h"
#include "tools/tool_support.h"

namespace omm::tools {

namespace {

struct BatchArgs {
  nlohmann::json arguments;
};
void from_json(const nlohmann::json& j, BatchArgs& a) { a.arguments = j; }

}  // namespace

void register_batch_tools(mcp::Server& server, const ProductToolOptions& options) {
  core::PlanOptions plan_options;
  plan_options.max_wait_seconds = options.max_wait_seconds;
  add_request_tool<BatchArgs>(server, options, "batch_process",
                              [plan_options](core::Executor& e, mcp::CallContext& ctx,
                                             const BatchArgs& a) -> Result<nlohmann::json> {
                                auto request = core::parse_batch_request(a.arguments, plan_options);
                                if (!request.ok()) return request.status();
                                return e.run_batch(*request, call_of(ctx));
                              });
  mcp::ResourceTemplateSpec manifest;
  manifest.uri_template = "oss-media://batch/{batch_id}";
  manifest.name = "batch-manifest";
  manifest.description =
      "The manifest of a batch_process batch: one JSON line per item event (started, done with "
      "its output or data, failed with its error); at most 8 MiB.";
  auto executor = options.executor;
  manifest.read = [executor](const std::string& uri) -> Result<nlohmann::json> {
    if (!executor) return Status::error("resource.not_found", "Resource not found: " + uri);
    return executor->read_batch_manifest(uri);
  };
  server.resources().add_template(std::move(manifest));
}

}  // namespace omm::tools

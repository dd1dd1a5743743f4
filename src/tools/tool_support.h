// What every product tool family shares (tools/<family>.cpp): the options they are registered
// with, the MCP call seen as a core::Call, and registration through the typed path of the tool
// registry (ToolRegistry::add_typed) with the tool's compiled-in schemas, description and
// listing. A tool family knows nothing of backends: it turns arguments into a core::Plan (or a
// request) and hands it to the core::Executor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/executor.h"
#include "core/status.h"
#include "mcp/call_context.h"

namespace omm::mcp {
class Server;
struct ToolSpec;
}  // namespace omm::mcp

namespace omm::tools {

struct ProductToolOptions {
  // The execution core over the configured backend (main.cpp picks it). Null: every call
  // answers [backend.unavailable].
  std::shared_ptr<core::Executor> executor;
  std::int64_t max_wait_seconds = 600;  // ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS
};

// The arguments of a tool whose call becomes a core::Plan (the core parses and checks them).
struct PlanArgs {
  nlohmann::json arguments;
};
void from_json(const nlohmann::json& j, PlanArgs& a);

// The MCP call as the executor sees it.
core::Call call_of(mcp::CallContext& ctx);

// A tool's spec with its compiled-in validation schema, published listing and description.
mcp::ToolSpec product_spec(const std::string& name);

// Registers a tool whose call is a plan run by the executor (dry runs included).
void add_plan_tool(mcp::Server& server, const ProductToolOptions& options, const std::string& name);

// Registers a tool with its own typed arguments, answered by `fn` (nlohmann from_json converts
// them after the schema accepted the call).
template <class In>
void add_request_tool(
    mcp::Server& server, const ProductToolOptions& options, const std::string& name,
    std::function<Result<nlohmann::json>(core::Executor&, mcp::CallContext&, const In&)> fn);

// Every family's registration (one file each).
void register_image_tools(mcp::Server& server, const ProductToolOptions& options);
void register_video_tools(mcp::Server& server, const ProductToolOptions& options);
void register_media_tools(mcp::Server& server, const ProductToolOptions& options);
void register_object_tools(mcp::Server& server, const ProductToolOptions& options);
void register_job_tools(mcp::Server& server, const ProductToolOptions& options);
void register_admin_tools(mcp::Server& server, const ProductToolOptions& options);
void register_batch_tools(mcp::Server& server, const ProductToolOptions& options);

}  // namespace omm::tools

#include "tools/tool_support_impl.h"

// Template definitions of tool_support.h.
#pragma once

#include "mcp/server.h"
#include "mcp/tool_registry.h"
#include "mcp/tool_result.h"

namespace omm::tools {

template <class In>
void add_request_tool(
    mcp::Server& server, const ProductToolOptions& options, const std::string& name,
    std::function<Result<nlohmann::json>(core::Executor&, mcp::CallContext&, const In&)> fn) {
  mcp::ToolSpec spec = product_spec(name);
  auto executor = options.executor;
  server.tools().add_typed<In, nlohmann::json>(
      std::move(spec),
      [executor, fn = std::move(fn)](mcp::CallContext& ctx,
                                     const In& in) -> Result<nlohmann::json> {
        if (!executor) return Status::error("backend.unavailable", "no backend is configured");
        return fn(*executor, ctx, in);
      });
}

}  // namespace omm::tools

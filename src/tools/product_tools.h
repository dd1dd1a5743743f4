// The product's tools (DESIGN.md "Tools"): every operation family registered with its compiled-in
// validation schema, published input schema, output schema, title, annotations and agent-oriented
// description. Each processing call becomes a core::Plan; `dry_run` returns the plan and the
// exact process string without touching storage.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace omm::mcp {
class Server;
}
namespace omm::local {
class LocalExecutor;
}
namespace omm::oss_backend {
class OssExecutor;
}

namespace omm::tools {

struct ProductToolOptions {
  std::string backend = "local";  // "local" | "oss"
  std::string bucket;             // configured bucket (oss backend), used in saveas suffixes
  std::int64_t max_wait_seconds = 600;
  // The local backend, created on first use (start-up touches no directory). Empty: none.
  std::function<Result<std::shared_ptr<local::LocalExecutor>>()> local;
  // The oss backend, created on first use (no request, no credential at start-up).
  std::function<Result<std::shared_ptr<oss_backend::OssExecutor>>()> oss;
};

// Names of every product tool, sorted.
const char* const* product_tool_names(size_t* count);

void register_product_tools(mcp::Server& server, const ProductToolOptions& options);

}  // namespace omm::tools

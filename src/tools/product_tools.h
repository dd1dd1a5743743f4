// The product's tools (DESIGN.md "Tools"): every operation family registered with its compiled-in
// validation schema, published input schema, output schema, title, annotations and agent-oriented
// description (one file per family: tools/image_tools.cpp, video_tools.cpp, media_tools.cpp,
// object_tools.cpp, job_tools.cpp, admin_tools.cpp, batch_tools.cpp). Each processing call becomes
// a core::Plan run by the core::Executor over the configured backend; `dry_run` returns the plan
// and the exact process string without touching storage.
#pragma once

#include <cstddef>

#include "tools/tool_support.h"

namespace omm::tools {

// Names of every product tool, sorted.
const char* const* product_tool_names(size_t* count);

void register_product_tools(mcp::Server& server, const ProductToolOptions& options);

}  // namespace omm::tools

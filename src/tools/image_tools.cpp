// The image family (DESIGN.md "Tools"): image_process (a chain of basic operations, optionally
// ending with blindwatermark), image_inspect (info, average-hue), image_detect (one detection),
// image_watermark_extract (async). Each call is a core::Plan run by the executor.
#include "tools/tool_support.h"

namespace omm::tools {

void register_image_tools(mcp::Server& server, const ProductToolOptions& options) {
  for (const char* name :
       {"image_process", "image_inspect", "image_detect", "image_watermark_extract"}) {
    add_plan_tool(server, options, name);
  }
}

}  // namespace omm::tools

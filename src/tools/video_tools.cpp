// The video family (DESIGN.md "Tools"): video_transcode, video_frames, video_sprite and
// video_animation run as jobs; video_snapshot answers within the call. Each call is a
// core::Plan run by the executor.
#include "tools/tool_support.h"

namespace omm::tools {

void register_video_tools(mcp::Server& server, const ProductToolOptions& options) {
  for (const char* name :
       {"video_transcode", "video_snapshot", "video_frames", "video_sprite", "video_animation"}) {
    add_plan_tool(server, options, name);
  }
}

}  // namespace omm::tools

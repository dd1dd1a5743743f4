// The media family (DESIGN.md "Tools"): media_concat (video or audio, a job), media_info
// (video/info, audio/info), audio_transcode (a job), hls_playlist (url only). Each call is a
// core::Plan run by the executor.
#include "tools/tool_support.h"

namespace omm::tools {

void register_media_tools(mcp::Server& server, const ProductToolOptions& options) {
  for (const char* name : {"media_concat", "media_info", "audio_transcode", "hls_playlist"}) {
    add_plan_tool(server, options, name);
  }
}

}  // namespace omm::tools

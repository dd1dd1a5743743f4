#include "tools/product_tools.h"

namespace omm::tools {

namespace {

constexpr const char* kTools[] = {
    "audio_transcode", "batch_process", "doctor",         "hls_playlist",
    "image_detect",    "image_inspect", "image_process",  "image_watermark_extract",
    "imm_setup",       "job_status",    "media_concat",   "media_info",
    "object_download", "object_head",   "object_list",    "object_upload",
    "video_animation", "video_frames",  "video_snapshot", "video_sprite",
    "video_transcode",
};

}  // namespace

const char* const* product_tool_names(size_t* count) {
  *count = sizeof(kTools) / sizeof(kTools[0]);
  return kTools;
}

void register_product_tools(mcp::Server& server, const ProductToolOptions& options) {
  register_image_tools(server, options);
  register_video_tools(server, options);
  register_media_tools(server, options);
  register_object_tools(server, options);
  register_job_tools(server, options);
  register_admin_tools(server, options);
  register_batch_tools(server, options);
}

}  // namespace omm::tools

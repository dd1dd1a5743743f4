// A Plan is one validated request, whichever syntax it came in (a tool call's JSON arguments
// or the CLI string syntax): the tool that runs it, the operations in order, where the input
// comes from and how the result is delivered. Plans are plain values; the executor turns them
// into OSS calls or local engine jobs. Rendering lives in render.h, the dry-run result in
// dry_run.h.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/op_catalog.h"
#include "core/operation.h"

namespace omm::core {

struct Source {
  enum class Kind { kKey, kUri };
  Kind kind = Kind::kKey;
  std::string value;  // object key, absolute local path, or http(s) URL
};

enum class OutputMode { kNone, kUrl, kDownload, kSave };
std::string_view to_string(OutputMode m);

struct Output {
  OutputMode mode = OutputMode::kNone;  // kNone: the result is JSON (inspect, detect, info, ...)
  std::string path;        // local file (download) or "also download here" (async save)
  std::string target_key;  // object written by save / async jobs / upload
  std::optional<std::int64_t> expires;  // url lifetime, seconds (1..604800)
};

// Limits the core applies that depend on the server's configuration.
struct PlanOptions {
  std::int64_t max_wait_seconds = 600;  // ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS
};

inline constexpr std::int64_t kMaxExpiresSeconds = 604800;  // 7 days, the V4 presign limit

struct Plan {
  std::string tool;  // DESIGN.md tool name
  Category category = Category::kSync;
  Source source;  // object_upload: the uri; object_download: the key
  // The calling client's MCP roots (their URIs as it listed them, at most 64): a local `uri`
  // source may also lie in one of their file:// directories (files::LocalFiles). Who may read,
  // not what is asked: plan_to_json leaves them out.
  std::vector<std::string> roots;
  std::vector<Operation> operations;
  Output output;
  bool no_download = false;
  bool dry_run = false;
  bool verify = false;
  std::optional<std::string> bucket;
  std::optional<std::string> region;
  std::optional<std::int64_t> wait_seconds;  // async tools
  // process.py flags, only set through the CLI.
  std::optional<std::string> endpoint;
  std::optional<std::string> imm_project;
  std::optional<std::int64_t> timeout_seconds;

  OpKind kind() const { return operations.front().spec->kind; }
  bool has_embed() const;
};

// What kind of work a plan is — all a backend needs to know to run it (backends never compare
// tool names).
enum class Work {
  kUpload,    // object_upload: a local file or URL into an object
  kDownload,  // object_download: an object into a local file
  kImage,     // image_process: an image chain (optionally ending with blindwatermark)
  kInspect,   // image_inspect: info, average-hue (JSON)
  kDetect,    // image_detect: one detection (JSON)
  kExtract,   // image_watermark_extract: blind-watermark extraction (JSON)
  kMedia,     // one video/audio/hls operation (FFmpeg on the local backend)
};
Work work_of(const Plan& plan);

// What the work writes: one file, numbered frames under a key prefix (video_frames:
// <key>_0_<n>.<f>), or a playlist with its segments beside it (hls_playlist).
enum class OutputShape { kFile, kFrames, kPlaylist };
OutputShape output_shape(const Plan& plan);
// The same for a tool by name (jobs remembered only by their tool).
OutputShape output_shape_of_tool(std::string_view tool);

// Every field of the plan as JSON (operations with their typed parameters). Two plans are the
// same request exactly when their dumps are equal.
nlohmann::json plan_to_json(const Plan& plan);

}  // namespace omm::core

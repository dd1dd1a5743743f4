// Entry point for the CLI (`oss-media-mcp process`), whose flags mirror the original skill's
// process.py: the operations come in the skill's string syntax (op_string_parser.h) and the
// result is the same Plan, with the same error ids, as the equivalent tool call.
//
// The tool follows from the operations: basic ops (+ blindwatermark-embed) -> image_process,
// info/average-hue -> image_inspect, a detection -> image_detect, video/convert ->
// video_transcode, video/snapshots -> video_frames, upload -> object_upload (uri, target_key),
// download -> object_download (source, output_path), etc. Unset optionals mean "not given";
// the front end passes relative --uri paths already made absolute. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/status.h"

namespace omm::core {

struct CliRequest {
  std::optional<std::string> source;            // --source KEY
  std::optional<std::string> uri;               // --uri PATH_OR_URL
  std::vector<std::string> operations;          // --operations OP [OP ...]
  std::optional<std::string> output_mode;       // --output-mode url|download|save
  std::optional<std::string> output_path;       // --output-path
  std::optional<std::string> target_key;        // --target-key
  std::optional<std::string> bucket;            // --bucket (the front end applies the env default)
  std::optional<std::string> region;            // --region
  std::optional<std::string> endpoint;          // --endpoint
  std::optional<std::int64_t> expires;          // --expires
  std::optional<std::string> imm_project;       // --imm-project
  std::optional<std::int64_t> timeout_seconds;  // --timeout-seconds
  bool dry_run = false;                         // --dry-run
  bool no_download = false;                     // --no-download
};

Result<Plan> plan_from_cli(const CliRequest& request, const PlanOptions& options = {});

}  // namespace omm::core

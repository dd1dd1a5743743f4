// Flags of `oss-media-mcp process`, mirroring the original skill's process.py:
//   (--source KEY | --uri PATH_OR_URL) --operations OP [OP ...] [--output-mode url|download|save]
//   [--output-path P] [--target-key K] [--bucket B] [--region R] [--endpoint E] [--expires N]
//   [--imm-project P] [--timeout-seconds N] [--dry-run] [--no-download] [--async] [--wait]
//   (the last two are accepted and ignored: async operations are always waited for)
//   [--max-duration SECONDS] (local backend: the longest media span one FFmpeg job may read)
//   [--max-fetch-bytes N] [--allow-private-uri] (local backend, http(s) --uri)
// Defaults come from the skill's variables (ALIBABA_CLOUD_OSS_BUCKET, ALIBABA_CLOUD_OSS_REGION,
// ALIBABA_CLOUD_IMM_PROJECT, ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS); relative local paths are
// made absolute against `cwd` (a relative --output-path against --output-dir when given). Pure
// apart from the environment lookup passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/plan_from_cli.h"
#include "core/status.h"

namespace omm::cli {

struct ProcessArgs {
  bool help = false;
  core::CliRequest request;
  std::string root;        // --root (local backend bucket directory)
  std::string output_dir;  // --output-dir
  std::string watermark_key;
  std::vector<std::string> ignored_flags;  // --async, --wait: accepted, without effect
  long long max_duration = 14400;          // --max-duration SECONDS (0: no limit), default 4 h
  std::uint64_t max_fetch_bytes = 0;       // --max-fetch-bytes (0: the executor's default)
  bool allow_private_uri = false;          // --allow-private-uri
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

Result<ProcessArgs> parse_process_args(const std::vector<std::string>& args, const EnvLookup& env,
                                       const std::string& cwd);

}  // namespace omm::cli

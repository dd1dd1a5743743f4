// Where the oss backend works (bucket, region, endpoints, IMM project, signing, state), resolved
// the same way for every subcommand: a flag when given, else its ALIBABA_CLOUD_* environment
// variable when set and not empty, else the default. serve and doctor take their flags from
// ServeArgs (an empty flag counts as not given); process from its plan (--bucket, --region,
// --endpoint, --imm-project). Pure apart from the environment lookup passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/process_args.h"

namespace omm::cli {

struct OssConfig {
  std::string bucket;               // ALIBABA_CLOUD_OSS_BUCKET; empty: none (the local backend)
  std::string region;               // ALIBABA_CLOUD_OSS_REGION; default cn-hangzhou
  std::string endpoint;             // ALIBABA_CLOUD_OSS_ENDPOINT; empty: from the region
  std::string imm_endpoint;         // ALIBABA_CLOUD_IMM_ENDPOINT
  std::string imm_project;          // ALIBABA_CLOUD_IMM_PROJECT; empty: the bucket's attachment
  std::string signature = "v4";     // --oss-signature v4|v1
  bool reveal_signed_urls = false;  // --reveal-signed-urls
  std::uint64_t multipart_threshold = 0;  // --multipart-threshold; 0: the backend's default
  std::string state_dir;                  // --state-dir; empty: state_dir_path's default
};

// The flags that can name it; nullopt: not given (the environment, then the default, decides).
struct OssFlags {
  std::optional<std::string> bucket;
  std::optional<std::string> region;
  std::optional<std::string> endpoint;
  std::optional<std::string> imm_endpoint;
  std::optional<std::string> imm_project;
  std::string signature = "v4";
  bool reveal_signed_urls = false;
  std::uint64_t multipart_threshold = 0;
  std::string state_dir;
};

// The serve flags (serve, doctor) as OssFlags: an empty one is not given.
OssFlags oss_flags(const ServeArgs& args);

// The one place OssConfig is built.
OssConfig oss_config(const OssFlags& flags, const EnvLookup& env);

}  // namespace omm::cli

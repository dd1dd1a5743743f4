// Command-line flag parsing for the subcommands. Pure functions (tested, fuzzable).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace omm::cli {

struct ServeArgs {
  bool help = false;
  std::string transport = "stdio";  // stdio | http | sse
  std::string host = "127.0.0.1";
  int port = 8765;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  std::string auth_token;  // default from OSS_MEDIA_MCP_AUTH_TOKEN
  std::string log_level = "info";
  size_t workers = 16;
  size_t queue = 64;
  size_t max_jobs = 0;         // --max-jobs: async jobs running at once (0: the number of cores)
  size_t job_queue = 16;       // --job-queue: async jobs waiting for a slot
  size_t max_sessions = 1000;  // --max-sessions: HTTP sessions at once
  size_t max_streams = 64;     // --max-streams: open SSE streams (GET /mcp, GET /sse) at once
  size_t sse_keepalive = 15;   // --sse-keepalive SECONDS: comment interval on idle SSE streams
  std::string state_dir;       // --state-dir (empty: $XDG_STATE_HOME/oss-media-mcp …)
  size_t page_size = 0;        // 0: server default
  bool conformance_fixtures = false;
  // Local backend (defaults chosen by the caller when empty).
  std::string backend;                  // "", "local" or "oss"
  std::string root;                     // --root
  std::string output_dir;               // --output-dir
  std::vector<std::string> input_dirs;  // --input-dir (repeatable)
  std::string watermark_key;            // --watermark-key
  size_t max_duration = 14400;          // --max-duration SECONDS (0: no limit), default 4 h
  std::uint64_t max_fetch_bytes = 0;    // --max-fetch-bytes (0: the executor's default)
  bool allow_private_uri = false;       // --allow-private-uri
  bool client_roots = true;             // false: --no-client-roots
  // oss backend (empty: from the ALIBABA_CLOUD_* environment variables).
  std::string bucket;                     // --bucket
  std::string region;                     // --region
  std::string endpoint;                   // --endpoint
  std::string imm_endpoint;               // --imm-endpoint
  std::string imm_project;                // --imm-project
  std::string oss_signature = "v4";       // --oss-signature v4|v1
  bool reveal_signed_urls = false;        // --reveal-signed-urls
  std::uint64_t multipart_threshold = 0;  // --multipart-threshold BYTES (0: the client's 64 MiB)
};

// --max-fetch-bytes: 1..1099511627776 (1 TiB).
bool parse_byte_count(const std::string& value, std::uint64_t* out);

// Parses the flags after "serve". Errors name the flag and the allowed values.
Result<ServeArgs> parse_serve_args(const std::vector<std::string>& args);

// "host:port", "[v6]:port" or ":port".
bool parse_listen(const std::string& value, std::string* host, int* port);

// One command-line argument as every subcommand reads it: "--flag=value" is the flag with its
// value inline; anything else is the flag alone (its value, if it takes one, is the next
// argument).
struct FlagArg {
  std::string flag;
  std::string value;
  bool inline_value = false;
};
FlagArg split_flag(const std::string& arg);

}  // namespace omm::cli

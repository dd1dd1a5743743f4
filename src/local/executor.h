// LocalExecutor: runs core::Plans on this machine (the embedded default backend).
//
// A directory is the bucket (DirStore); images go to the image engine workers, detections and
// blind watermarks to the vision engine workers (EnginePool each). Output delivery: `save`
// writes the object through a temporary file renamed on success; `download` writes inside the
// output directory (paths that escape it are refused) the same way; `url` over stdio is a
// file:// URI of the result kept under <root>/.tmp/results/, over HTTP a token link made by
// `result_link` (file_links.h); results older than kMaxLinkSeconds are swept at start and
// whenever a new one is made. Local `uri` sources follow files::LocalFiles (input directories,
// never credential files; http(s) sources fetched into <root>/.tmp/ and removed when the call
// ends, whatever the outcome). Results follow DESIGN.md "Results".
// Thread-safe: calls may run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/plan.h"
#include "core/status.h"
#include "files/local_files.h"
#include "local/dir_store.h"
#include "local/media_probe.h"

namespace omm::local {

class EnginePool;

struct LocalOptions {
  std::string root;                     // the bucket directory (--root)
  std::string output_dir;               // where downloads go (--output-dir)
  std::vector<std::string> input_dirs;  // allowed `uri` sources (default: output_dir and root)
  std::string engine_dir;               // engine executables; empty: found next to the server
  std::string watermark_key = "oss-media-mcp";  // --watermark-key
  size_t workers = 2;                           // per engine; default: the number of cores
  std::uint64_t memory_limit_mb = 1024;
  std::uint64_t max_pixels = 250000000;
  // --max-duration: the longest span of media one FFmpeg job may read ([engine.limit.duration]).
  std::chrono::seconds max_duration{std::chrono::hours(4)};
  std::chrono::milliseconds job_timeout{120000};
  // url mode: the link to a result from its path relative to <root>/.tmp/results/ and the
  // expiry (unix seconds). Empty (stdio, the CLI): file:// URIs. Set by main.cpp for HTTP.
  std::function<std::string(const std::string& key, std::int64_t expires_at)> result_link;
  std::uint64_t max_fetch_bytes = 256ull << 20;  // --max-fetch-bytes (http(s) sources)
  bool allow_private_uri = false;                // --allow-private-uri
  // The server's own state (the job journal), outside the bucket: --state-dir, default
  // state_dir_path("").
  std::string state_dir;
  size_t max_jobs = 0;    // --max-jobs: async jobs running at once; 0: the number of cores
  size_t job_queue = 16;  // --job-queue: async jobs waiting for a slot before [server.busy]
  // Made only to check requests (a CLI dry run): no directory is created, no journal opened,
  // nothing swept; running anything is refused.
  bool check_only = false;
};

using core::RunContext;

class LocalExecutor {
 public:
  static Result<std::shared_ptr<LocalExecutor>> create(LocalOptions options);
  ~LocalExecutor();

  // A processing plan (not dry-run), dispatched by its work kind (core::work_of). Error messages
  // name keys and the caller's paths, never the server's own directories.
  Result<nlohmann::json> run(const core::Plan& plan, const RunContext& context);
  // object_list: the validated request (continuation tokens are core/list_token.h's).
  Result<nlohmann::json> list(const core::ObjectListRequest& request);
  Result<nlohmann::json> head(const std::string& key);
  // directories, FFmpeg, engine workers, watermark key source
  Result<nlohmann::json> doctor();

  const LocalOptions& options() const { return options_; }
  const DirStore& store() const { return store_; }
  // This machine's files as requests name them (sources, downloads); shared with the oss
  // backend, which follows the same rules.
  const std::shared_ptr<const files::LocalFiles>& files() const { return files_; }

  using FetchedCopy = files::LocalFiles::FetchedCopy;
  // The file of the plan's source: a key under the root, a local `uri` inside the input
  // directories (never a credential file), or an http(s) `uri` fetched into `fetched`.
  Result<std::string> resolve_source(const core::Plan& plan, FetchedCopy& fetched,
                                     const RunContext* context = nullptr) const;
  // What the probe engine reads from a result file: metadata_json() for audio and video,
  // {"width","height","format","size"} for images; {"size"} when nothing can be read.
  nlohmann::json file_metadata(const std::string& path);
  Status without_server_paths(Status status) const { return files_->without_server_paths(status); }

 private:
  LocalExecutor(LocalOptions options, DirStore store, std::shared_ptr<const files::LocalFiles> f);
  // The url of a result file under <root>/.tmp/results/ (a token link or file://).
  std::string result_url(const core::Plan& plan, const std::string& path) const;
  void sweep_results() const;
  Result<std::string> find_engine(const std::string& name) const;
  EnginePool* engine(const std::string& name, Status* error);
  // Probes through the warm probe engine worker; empty when it is not installed.
  ProbeEngine probe_engine();
  Result<nlohmann::json> run_plan(const core::Plan& plan, const RunContext& context);
  Result<nlohmann::json> run_engine_job(const core::Plan& plan, const std::string& engine_name,
                                        const RunContext& context);
  Result<nlohmann::json> run_transfer(const core::Plan& plan);
  Result<nlohmann::json> run_media(const core::Plan& plan, const RunContext& context);
  std::string key_of(const std::string& path) const;  // a file under the root as a key

  LocalOptions options_;
  DirStore store_;
  std::shared_ptr<const files::LocalFiles> files_;
  std::mutex mu_;
  std::unique_ptr<EnginePool> image_;
  std::unique_ptr<EnginePool> vision_;
  std::unique_ptr<EnginePool> probe_;
};

// "local-" followed by a random UUID (v4).
std::string new_request_id();
// The directory of the running executable (for finding engine workers).
std::string executable_dir();

}  // namespace omm::local

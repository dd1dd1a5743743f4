// OssExecutor: the core::Backend of Alibaba Cloud OSS and IMM — runs core::Plans against them
// (DESIGN.md "Backends and endpoints", "Output delivery", "Sources", "Async jobs").
//
// Per plan, the fewest requests (bench/oss.mjs counts them):
//  - url: a presigned GET with x-oss-process, computed locally — no request. The result carries
//    `url_redacted` (signing parameters removed); the full `url` only with --reveal-signed-urls.
//  - download: one GET with x-oss-process streamed into the output directory (temp name, renamed
//    when complete); `metadata` from the probe engine on the written file.
//  - save: one POST x-oss-process with `|sys/saveas` (`metadata` from its answer).
//  - JSON answers (image_inspect, image_detect, media_info): one GET with x-oss-process.
//  - async tools (start_job): POST x-oss-async-process; the job's id (`oss-job-…`, job_id.h)
//    carries what job() needs to follow it through IMM GetTask, also after a restart. A job
//    started here remembers its plan in memory, so its end can still deliver output.path.
//  - image_watermark_extract: IMM CreateDecodeBlindWatermarkTask, followed within the call.
//  - `uri` sources: uploaded to a temporary key under `<temp prefix><uuid>/`, recorded in the
//    cleanup journal first, deleted when the call ends (whatever the outcome) — one PUT and one
//    DELETE more. url mode is refused for them by the core.
// Local files (uri sources, download paths) follow the same rules as on the local backend
// (files::LocalFiles); the metadata of a downloaded file comes from the function given at
// creation (the local probe). A missing object is `object.NoSuchKey`, as on the local backend.
// Thread-safe: calls may run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "core/backend.h"
#include "core/plan.h"
#include "core/status.h"
#include "files/local_files.h"
#include "oss/credential_source.h"
#include "oss/http_client.h"
#include "oss/imm_client.h"
#include "oss/oss_client.h"
#include "oss_backend/cleanup_journal.h"
#include "oss_backend/job_id.h"

namespace omm::oss_backend {

struct OssBackendOptions {
  std::string bucket;        // --bucket / ALIBABA_CLOUD_OSS_BUCKET
  std::string region;        // --region / ALIBABA_CLOUD_OSS_REGION
  std::string endpoint;      // --endpoint / ALIBABA_CLOUD_OSS_ENDPOINT (empty: from region)
  std::string imm_endpoint;  // --imm-endpoint / ALIBABA_CLOUD_IMM_ENDPOINT
  std::string imm_project;   // ALIBABA_CLOUD_IMM_PROJECT; empty: the bucket's attachment
  bool internal = false;     // the region's internal endpoint
  oss::SignatureVersion signature = oss::SignatureVersion::kV4;
  bool reveal_signed_urls = false;  // --reveal-signed-urls
  std::string journal_path;         // the cleanup journal file
  std::string temp_prefix = ".oss-media-mcp/tmp/";
  std::int64_t default_url_expires = 3600;        // seconds, when output.expires is not given
  std::chrono::milliseconds poll_interval{2000};  // IMM GetTask while a job runs (the longest gap)
  oss::RetryPolicy retry;
  // put_object goes multipart above this size, in parts of at most this size (0: the client's
  // defaults, 64 MiB and 8 MiB); --multipart-threshold.
  std::uint64_t multipart_threshold = 0;
  // The type of the credential source in use ("env", "config_file:StsToken", …) for doctor;
  // never a value.
  std::function<std::string()> credential_source_name;
};

// The metadata of a downloaded file ({"size"} at least).
using FileMetadata = std::function<nlohmann::json(const std::string& path)>;

class OssExecutor : public core::Backend {
 public:
  // `files` resolves local files (sources, download paths). No request is made here;
  // credentials are resolved at the first call.
  static Result<std::shared_ptr<OssExecutor>> create(OssBackendOptions options,
                                                     oss::CredentialSource credentials,
                                                     std::shared_ptr<oss::HttpClient> http,
                                                     std::shared_ptr<const files::LocalFiles> files,
                                                     FileMetadata metadata);
  ~OssExecutor() override;

  // core::Backend
  std::string_view name() const override { return "oss"; }
  Status check_location(std::string_view tool, const std::optional<std::string>& bucket,
                        const std::optional<std::string>& region) override;
  Status check_request(const core::Plan& plan) override;
  Status check(const core::Plan& plan) override;
  Result<nlohmann::json> run(const core::Plan& plan, const core::RunContext& context) override;
  Result<core::JobTicket> start_job(const core::Plan& plan,
                                    const core::RunContext& context) override;
  Result<core::JobView> job(const std::string& id, std::chrono::milliseconds wait,
                            const core::RunContext& context) override;
  Result<core::JobView> cancel_job(const std::string& id, std::chrono::milliseconds wait) override;
  Result<nlohmann::json> list_objects(const core::ObjectListRequest& request) override;
  Result<nlohmann::json> head_object(const std::string& key,
                                     const std::optional<std::string>& bucket) override;
  Result<nlohmann::json> doctor() override;
  Result<nlohmann::json> imm_setup(const nlohmann::json& args) override;
  // resources/read of a url-mode result's `resource_uri` (oss-media://result/<id>): fetches the
  // processed bytes (at most kMaxResourceBytes) while the link would still be valid. Contents
  // as MCP wants them: text for JSON/text types, else a base64 blob. resource.not_found for
  // unknown or expired ids; resource.too_large past the cap.
  Result<nlohmann::json> read_result(const std::string& uri) override;
  Status without_server_paths(Status status) const override {
    return files_->without_server_paths(std::move(status));
  }

  // Items of a batch in flight at once: parallel requests (each one x-oss-process + saveas).
  size_t batch_concurrency() const override { return 8; }

  static constexpr std::uint64_t kMaxResourceBytes = 8u << 20;
  // Retries the cleanup journal's deletes; returns how many temporary objects remain.
  size_t drain_cleanup();
  const OssBackendOptions& options() const { return options_; }

 private:
  OssExecutor(OssBackendOptions options, oss::CredentialSource credentials,
              std::shared_ptr<oss::HttpClient> http, std::shared_ptr<const files::LocalFiles> files,
              FileMetadata metadata, std::unique_ptr<oss::OssClient> client,
              std::unique_ptr<oss::ImmClient> imm);
  Result<nlohmann::json> run_sync(const core::Plan& plan, const std::string& bucket,
                                  const std::string& key, nlohmann::json result);
  // POSTs the async process; the running job's fields (request_id, task_id, mode, warnings).
  Result<core::JobView> start_async(const core::Plan& plan, const std::string& bucket,
                                    const std::string& key);
  Result<std::vector<std::string>> check_concat_inputs(const core::Plan& plan,
                                                       const std::string& bucket,
                                                       const std::string& key);
  Result<nlohmann::json> run_extract(const core::Plan& plan, const std::string& bucket,
                                     const std::string& key, nlohmann::json result);
  Result<nlohmann::json> run_transfer(const core::Plan& plan, const std::string& bucket,
                                      nlohmann::json result);
  // Polls GetTask until the task ends or `wait` passes. On success the job's outputs are listed
  // (frames, playlists) and, when `plan` is known, downloaded to its output.path.
  Result<core::JobView> follow(const OssJobRef& ref, core::JobView view,
                               std::chrono::milliseconds wait, const core::Plan* plan,
                               const core::RunContext& context);
  Result<std::string> project(const std::string& bucket);

  OssBackendOptions options_;
  oss::CredentialSource credentials_;
  std::shared_ptr<oss::HttpClient> http_;
  std::shared_ptr<const files::LocalFiles> files_;
  FileMetadata metadata_;
  std::unique_ptr<oss::OssClient> client_;
  std::unique_ptr<oss::ImmClient> imm_;
  CleanupJournal journal_;
  std::mutex mu_;
  std::map<std::string, std::string> projects_;  // bucket → its IMM project
  struct UrlResult {
    std::string bucket;
    std::string key;
    std::string process;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, UrlResult> url_results_;  // id → what its resource_uri reads
  // Jobs started by this process: their plan (output.path delivery) and start fields.
  struct Started {
    core::Plan plan;
    nlohmann::json fields;
  };
  std::map<std::string, Started> started_;  // bounded: the oldest go past kMaxStarted
  static constexpr size_t kMaxStarted = 1000;
};

}  // namespace omm::oss_backend

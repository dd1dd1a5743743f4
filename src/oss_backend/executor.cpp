#include "oss_backend/executor.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <thread>

#include "core/base64url.h"
#include "core/random_id.h"
#include "core/render.h"
#include "files/made_dirs.h"
#include "oss/credential_io.h"
#include "oss/redactor.h"

namespace omm::oss_backend {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kResultPrefix = "oss-media://result/";

const oss::Clock& system_clock() {
  static const oss::SystemClock clock;
  return clock;
}

json base_result(const core::Plan& plan) {
  return json{{"success", true}, {"backend", "oss"}, {"operations", core::render_operations(plan)}};
}

// The name a uri source keeps in its temporary key (engines and OSS go by the extension).
std::string file_name_of(const std::string& uri) {
  std::string name = uri;
  if (size_t q = name.find_first_of("?#"); q != std::string::npos) name.resize(q);
  name = fs::path(name).filename().string();
  std::string clean;
  for (char c : name) {
    clean +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  return clean.empty() ? std::string("source") : clean;
}

// A temporary object of a `uri` source: journaled before its upload, deleted (and un-journaled)
// when the holder goes out of scope.
class StagedSource {
 public:
  StagedSource(oss::OssClient& client, CleanupJournal& journal)
      : client_(client), journal_(journal) {}
  StagedSource(const StagedSource&) = delete;
  StagedSource& operator=(const StagedSource&) = delete;
  ~StagedSource() { release(); }

  Status upload(const std::string& bucket, const std::string& key, const std::string& path) {
    object_ = TempObject{bucket, key};
    if (Status s = journal_.add(*object_); !s.is_ok()) {
      object_.reset();
      return s;
    }
    auto put = client_.put_object(key, path, {}, bucket);
    return put.ok() ? Status::ok() : put.status();
  }
  void release() {
    if (!object_) return;
    auto deleted = client_.delete_object(object_->key, object_->bucket);
    if (deleted.ok()) {
      (void)journal_.remove(*object_);
    } else {
      spdlog::warn("cleanup: cannot delete the temporary object {} yet ({}); the journal keeps it",
                   object_->key, deleted.status().id());
    }
    object_.reset();
  }

 private:
  oss::OssClient& client_;
  CleanupJournal& journal_;
  std::optional<TempObject> object_;
};

}  // namespace

Result<std::shared_ptr<OssExecutor>> OssExecutor::create(
    OssBackendOptions options, oss::CredentialSource credentials,
    std::shared_ptr<oss::HttpClient> http, std::shared_ptr<const files::LocalFiles> files,
    FileMetadata metadata) {
  if (options.bucket.empty()) {
    return Status::error("oss.config.bucket",
                         "the oss backend needs a bucket (--bucket or ALIBABA_CLOUD_OSS_BUCKET)");
  }
  oss::OssClientOptions co;
  co.region = options.region;
  co.bucket = options.bucket;
  co.endpoint = options.endpoint;
  co.internal = options.internal;
  co.signature = options.signature;
  co.retry = options.retry;
  if (options.multipart_threshold > 0) {
    co.multipart_threshold = options.multipart_threshold;
    co.part_size = std::min(co.part_size, options.multipart_threshold);
  }
  auto client = oss::OssClient::create(co, credentials, *http, system_clock());
  if (!client.ok()) return client.status();
  oss::ImmClientOptions io;
  io.region = options.region;
  io.endpoint = options.imm_endpoint;
  io.retry = options.retry;
  auto imm = oss::ImmClient::create(io, credentials, *http, system_clock());
  if (!imm.ok()) return imm.status();
  if (!metadata) {
    metadata = [](const std::string& path) {
      std::error_code ec;
      auto size = std::filesystem::file_size(path, ec);
      return json{{"size", ec ? 0 : size}};
    };
  }
  return std::shared_ptr<OssExecutor>(
      new OssExecutor(std::move(options), std::move(credentials), std::move(http), std::move(files),
                      std::move(metadata), std::move(*client), std::move(*imm)));
}

OssExecutor::OssExecutor(OssBackendOptions options, oss::CredentialSource credentials,
                         std::shared_ptr<oss::HttpClient> http,
                         std::shared_ptr<const files::LocalFiles> files, FileMetadata metadata,
                         std::unique_ptr<oss::OssClient> client,
                         std::unique_ptr<oss::ImmClient> imm)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      http_(std::move(http)),
      files_(std::move(files)),
      metadata_(std::move(metadata)),
      client_(std::move(client)),
      imm_(std::move(imm)),
      journal_(options_.journal_path) {}

OssExecutor::~OssExecutor() = default;

size_t OssExecutor::drain_cleanup() {
  return journal_.drain([this](const TempObject& o) -> Status {
    auto r = client_->delete_object(o.key, o.bucket);
    return r.ok() ? Status::ok() : r.status();
  });
}

Result<std::string> OssExecutor::project(const std::string& bucket) {
  if (!options_.imm_project.empty()) return options_.imm_project;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = projects_.find(bucket); it != projects_.end()) return it->second;
  }
  auto p = imm_->get_oss_bucket_attachment(bucket);
  if (!p.ok()) {
    return Status::error("oss.config.imm_project",
                         fmt::format("the bucket {} has no IMM project ({}); run imm_setup or set "
                                     "ALIBABA_CLOUD_IMM_PROJECT",
                                     bucket, p.status().to_string()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  projects_[bucket] = *p;
  return *p;
}

Result<json> OssExecutor::read_result(const std::string& uri) {
  std::string id = uri.substr(std::min(uri.size(), kResultPrefix.size()));
  UrlResult entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = url_results_.find(id);
    if (uri.rfind(kResultPrefix, 0) != 0 || it == url_results_.end() ||
        it->second.expires <= std::chrono::steady_clock::now()) {
      return Status::error("resource.not_found",
                           "Resource not found: " + uri + " (unknown or expired result)");
    }
    entry = it->second;
  }
  std::string body;
  bool too_large = false;
  oss::OssRequest req;
  req.method = "GET";
  req.bucket = entry.bucket;
  req.key = entry.key;
  if (!entry.process.empty()) req.query = {{"x-oss-process", entry.process}};
  req.operation = "GetObject(result resource)";
  req.sink = [&](const char* data, size_t size) {
    if (body.size() + size > kMaxResourceBytes) {
      too_large = true;
      return false;
    }
    body.append(data, size);
    return true;
  };
  req.restart = [&] {
    body.clear();
    return Status::ok();
  };
  auto r = client_->execute(req);
  if (too_large) {
    return Status::error("resource.too_large",
                         fmt::format("{} is larger than {} bytes; use output mode download or save",
                                     uri, kMaxResourceBytes));
  }
  if (!r.ok()) return r.status();
  std::string type =
      oss::find_header(r->headers, "Content-Type").value_or("application/octet-stream");
  json content{{"uri", uri}, {"mimeType", type}};
  bool text = type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos;
  if (text) {
    content["text"] = body;
  } else {
    content["blob"] = core::base64_encode(body);
  }
  return json::array({content});
}

Status OssExecutor::check_location(std::string_view tool, const std::optional<std::string>&,
                                   const std::optional<std::string>& region) {
  if (region && *region != options_.region) {
    return Status::error(fmt::format("invalid_argument.{}.region", tool),
                         fmt::format("this server is configured for region {}; start another one "
                                     "for {}",
                                     options_.region, *region));
  }
  return Status::ok();
}

Status OssExecutor::check_request(const core::Plan& plan) {
  if (Status s = check_location(plan.tool, plan.bucket, plan.region); !s) return s;
  return files_->check_paths(plan);
}

Status OssExecutor::check(const core::Plan& plan) { return check_request(plan); }

Result<json> OssExecutor::run(const core::Plan& plan, const core::RunContext& context) {
  if (Status s = check(plan); !s) return s;
  const std::string bucket = plan.bucket.value_or(options_.bucket);
  json result = base_result(plan);
  const core::Work work = core::work_of(plan);
  if (work == core::Work::kUpload || work == core::Work::kDownload) {
    return run_transfer(plan, bucket, std::move(result));
  }
  StagedSource staged(*client_, journal_);
  std::string key = plan.source.value;
  if (plan.source.kind == core::Source::Kind::kUri) {
    files::LocalFiles::FetchedCopy fetched;
    auto path = files_->resolve_uri(plan, fetched, &context);
    if (!path.ok()) return path.status();
    key = options_.temp_prefix + random_hex(16) + "/" + file_name_of(plan.source.value);
    if (Status s = staged.upload(bucket, key, *path); !s.is_ok()) return s;
  }
  auto r = work == core::Work::kExtract ? run_extract(plan, bucket, key, std::move(result))
                                        : run_sync(plan, bucket, key, std::move(result));
  staged.release();
  return r;
}

Result<core::JobTicket> OssExecutor::start_job(const core::Plan& plan,
                                               const core::RunContext& context) {
  if (Status s = check(plan); !s) return s;
  const std::string bucket = plan.bucket.value_or(options_.bucket);
  if (core::work_of(plan) == core::Work::kExtract) {
    // IMM's decode task is followed within the call: the job ends here.
    auto r = run(plan, context);
    if (!r.ok()) return r.status();
    core::JobView done;
    done.phase = core::JobPhase::kSucceeded;
    done.fields = std::move(*r);
    return core::JobTicket{"", std::move(done)};
  }
  if (plan.source.kind != core::Source::Kind::kUri) {
    auto started = start_async(plan, bucket, plan.source.value);
    if (!started.ok()) return started.status();
    std::lock_guard<std::mutex> lock(mu_);
    if (started_.size() >= kMaxStarted) started_.erase(started_.begin());
    started_[started->id] = Started{plan, started->fields};
    return core::JobTicket{started->id, std::nullopt};
  }
  // A staged source must outlive its task: the job is followed to its end within the call.
  StagedSource staged(*client_, journal_);
  files::LocalFiles::FetchedCopy fetched;
  auto path = files_->resolve_uri(plan, fetched, &context);
  if (!path.ok()) return path.status();
  const std::string key =
      options_.temp_prefix + random_hex(16) + "/" + file_name_of(plan.source.value);
  if (Status s = staged.upload(bucket, key, *path); !s.is_ok()) return s;
  auto started = start_async(plan, bucket, key);
  if (!started.ok()) return started.status();
  auto ref = decode_job_id(started->id);
  if (!ref.ok()) return ref.status();
  std::int64_t wait = std::max<std::int64_t>(plan.wait_seconds.value_or(45), 600);
  if (context.progress) context.progress(0, fmt::format("job {} started", started->id));
  auto done = follow(*ref, std::move(*started), std::chrono::seconds(wait), &plan, context);
  staged.release();
  if (!done.ok()) return done.status();
  return core::JobTicket{"", std::move(*done)};
}

Result<json> OssExecutor::run_sync(const core::Plan& plan, const std::string& bucket,
                                   const std::string& key, json result) {
  const std::string ops = core::render_operations(plan);
  switch (plan.output.mode) {
    case core::OutputMode::kNone: {  // JSON answers: info, detections
      oss::OssRequest req;
      req.method = "GET";
      req.bucket = bucket;
      req.key = key;
      req.query = {{"x-oss-process", ops}};
      req.operation = "GetObject(x-oss-process)";
      auto r = client_->execute(req);
      if (!r.ok()) return r.status();
      json data = json::parse(r->body, nullptr, false);
      if (data.is_discarded()) {
        return Status::error("oss.response", fmt::format("the {} answer is not JSON ({} bytes)",
                                                         ops, r->body.size()));
      }
      result["mode"] = "info";
      result["request_id"] = r->request_id;
      result["data"] = std::move(data);
      return result;
    }
    case core::OutputMode::kUrl: {
      std::int64_t expires = plan.output.expires.value_or(options_.default_url_expires);
      auto url = client_->presign_get(key, expires, ops, bucket);
      if (!url.ok()) return url.status();
      result["mode"] = "url";
      result["request_id"] = "";
      result["url_redacted"] = oss::redact_parameters(*url);
      if (options_.reveal_signed_urls) result["url"] = *url;
      result["expires_in"] = expires;
      std::string id = random_hex(16);
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto now = std::chrono::steady_clock::now();
        std::erase_if(url_results_, [&](const auto& e) { return e.second.expires <= now; });
        if (url_results_.size() >= 10000) url_results_.erase(url_results_.begin());
        url_results_[id] = {bucket, key, ops, now + std::chrono::seconds(expires)};
      }
      result["resource_uri"] = std::string(kResultPrefix) + id;
      return result;
    }
    case core::OutputMode::kDownload: {
      auto path = files_->resolve_download_path(plan.tool, plan.output.path);
      if (!path.ok()) return path.status();
      files::MadeDirs made;  // taken back if the download fails
      made.make_parents_of(*path);
      auto got = client_->process_to_file(key, ops, *path, bucket);
      if (!got.ok()) return got.status();
      made.keep();
      result["mode"] = "download";
      result["request_id"] = got->request_id;
      result["path"] = got->path;
      result["size"] = got->size;
      result["metadata"] = metadata_(got->path);
      return result;
    }
    case core::OutputMode::kSave: {
      auto process = core::render_process_string(plan, bucket == options_.bucket ? "" : bucket);
      if (!process) return Status::error("internal", "the plan has no process string");
      auto saved = client_->process_save(key, *process, bucket);
      if (!saved.ok()) return saved.status();
      result["mode"] = "save";
      result["request_id"] = saved->request_id;
      result["target_key"] = plan.output.target_key;
      result["size"] = saved->file_size;
      result["metadata"] = {{"size", saved->file_size}, {"status", saved->status}};
      if (plan.verify) {
        auto head = client_->head_object(plan.output.target_key, bucket);
        if (!head.ok()) return head.status();
        result["metadata"]["content_type"] = head->content_type;
        result["metadata"]["etag"] = head->etag;
        result["verified"] = true;
      }
      return result;
    }
  }
  return Status::error("internal", "unknown output mode");
}

Result<json> OssExecutor::run_transfer(const core::Plan& plan, const std::string& bucket,
                                       json result) {
  result["operations"] = "";
  if (core::work_of(plan) == core::Work::kUpload) {
    files::LocalFiles::FetchedCopy fetched;
    auto path = files_->resolve_uri(plan, fetched);
    if (!path.ok()) return path.status();
    auto put = client_->put_object(plan.output.target_key, *path, {}, bucket);
    if (!put.ok()) return put.status();
    result["mode"] = "upload";
    result["request_id"] = put->request_id;
    result["target_key"] = plan.output.target_key;
    result["size"] = put->size;
    result["metadata"] = {{"etag", put->etag}, {"multipart", put->multipart}};
    return result;
  }
  auto path = files_->resolve_download_path(plan.tool, plan.output.path);
  if (!path.ok()) return path.status();
  files::MadeDirs made;  // taken back if the download fails
  made.make_parents_of(*path);
  auto got = client_->get_object_to_file(plan.source.value, *path, {}, bucket);
  if (!got.ok()) return got.status();
  made.keep();
  result["mode"] = "download";
  result["request_id"] = got->request_id;
  result["path"] = got->path;
  result["size"] = got->size;
  result["metadata"] = {{"content_type", got->content_type}, {"etag", got->etag}};
  return result;
}

}  // namespace omm::oss_backend

#include "oss_backend/executor.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include "core/base64url.h"
#include "core/render.h"
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
    clean += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  return clean.empty() ? std::string("source") : clean;
}

// A temporary object of a `uri` source: journaled before its upload, deleted (and un-journaled)
// when the holder goes out of scope.
class StagedSource {
 public:
  StagedSource(oss::OssClient& client, CleanupJournal& journal) : client_(client), journal_(journal) {}
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

std::string random_hex(size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", static_cast<unsigned>(rng() & 0xff));
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<std::shared_ptr<OssExecutor>> OssExecutor::create(OssBackendOptions options,
                                                         oss::CredentialSource credentials,
                                                         std::shared_ptr<oss::HttpClient> http,
                                                         std::shared_ptr<local::LocalExecutor> files) {
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
  return std::shared_ptr<OssExecutor>(new OssExecutor(std::move(options), std::move(credentials),
                                                      std::move(http), std::move(files),
                                                      std::move(*client), std::move(*imm)));
}

OssExecutor::OssExecutor(OssBackendOptions options, oss::CredentialSource credentials,
                         std::shared_ptr<oss::HttpClient> http,
                         std::shared_ptr<local::LocalExecutor> files,
                         std::unique_ptr<oss::OssClient> client, std::unique_ptr<oss::ImmClient> imm)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      http_(std::move(http)),
      files_(std::move(files)),
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
  std::string type = oss::find_header(r->headers, "Content-Type").value_or("application/octet-stream");
  json content{{"uri", uri}, {"mimeType", type}};
  bool text = type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos;
  if (text) {
    content["text"] = body;
  } else {
    content["blob"] = core::base64_encode(body);
  }
  return json::array({content});
}

Result<json> OssExecutor::run(const core::Plan& plan, const local::RunContext& context) {
  if (plan.region && *plan.region != options_.region) {
    return Status::error(fmt::format("invalid_argument.{}.region", plan.tool),
                         fmt::format("this server is configured for region {}; start another one "
                                     "for {}",
                                     options_.region, *plan.region));
  }
  const std::string bucket = plan.bucket.value_or(options_.bucket);
  json result = base_result(plan);
  if (plan.tool == "object_upload" || plan.tool == "object_download") {
    return run_transfer(plan, bucket, std::move(result));
  }
  StagedSource staged(*client_, journal_);
  std::string key = plan.source.value;
  if (plan.source.kind == core::Source::Kind::kUri) {
    local::LocalExecutor::FetchedCopy fetched;
    auto path = files_->resolve_source(plan, fetched, &context);
    if (!path.ok()) return path.status();
    key = options_.temp_prefix + random_hex(16) + "/" + file_name_of(plan.source.value);
    if (Status s = staged.upload(bucket, key, *path); !s.is_ok()) return s;
  }
  Result<json> r = Status::error("internal", "unreachable");
  if (plan.kind() == core::OpKind::kExtract) {
    r = run_extract(plan, bucket, key, std::move(result));
  } else if (plan.category == core::Category::kAsync) {
    // A staged source must outlive its task: such calls wait for the end.
    r = run_async(plan, bucket, key, std::move(result),
                  plan.source.kind == core::Source::Kind::kUri, context);
  } else {
    r = run_sync(plan, bucket, key, std::move(result));
  }
  staged.release();
  return r;
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
        return Status::error("oss.response",
                             fmt::format("the {} answer is not JSON ({} bytes)", ops, r->body.size()));
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
      std::error_code ec;
      fs::create_directories(fs::path(*path).parent_path(), ec);
      auto got = client_->process_to_file(key, ops, *path, bucket);
      if (!got.ok()) return got.status();
      result["mode"] = "download";
      result["request_id"] = got->request_id;
      result["path"] = got->path;
      result["size"] = got->size;
      result["metadata"] = files_->file_metadata(got->path);
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

Result<json> OssExecutor::run_async(const core::Plan& plan, const std::string& bucket,
                                    const std::string& key, json result, bool wait_all,
                                    const local::RunContext& context) {
  auto process = core::render_process_string(plan, bucket);
  if (!process) return Status::error("internal", "the plan has no process string");
  auto proj = project(bucket);
  if (!proj.ok()) return proj.status();
  auto task = client_->async_process(key, *process, bucket);
  if (!task.ok()) return task.status();
  OssJobRef ref{task_type_of(task->task_id), task->task_id, *proj, bucket,
                plan.output.target_key, plan.tool};
  const std::string job_id = encode_job_id(ref);
  if (context.progress) context.progress(0, fmt::format("job {} started", job_id));
  result["request_id"] = task->request_id;
  result["job_id"] = job_id;
  result["task_id"] = task->task_id;
  result["mode"] = std::string(core::to_string(plan.output.mode));
  std::int64_t wait = plan.wait_seconds.value_or(45);
  if (wait_all) wait = std::max<std::int64_t>(wait, 600);
  return follow(ref, std::chrono::seconds(wait), std::move(result), &plan, context);
}

Result<json> OssExecutor::follow(const OssJobRef& ref, std::chrono::milliseconds wait, json result,
                                 const core::Plan* plan, const local::RunContext& context) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::chrono::milliseconds step{100};
  result["tool"] = ref.tool;
  result["target_key"] = ref.target_key;
  for (;;) {
    auto task = imm_->get_task(ref.project, ref.task_type, ref.task_id);
    if (!task.ok()) return task.status();
    if (task->status == "Succeeded") {
      result["status"] = "succeeded";
      if (ref.tool == "video_frames" || ref.tool == "hls_playlist") {
        oss::ListOptions lo;
        lo.prefix = ref.tool == "hls_playlist"
                        ? ref.target_key.substr(0, ref.target_key.rfind('.') == std::string::npos
                                                       ? ref.target_key.size()
                                                       : ref.target_key.rfind('.'))
                        : ref.target_key;
        lo.max_keys = 1000;
        auto listed = client_->list_objects_v2(lo, ref.bucket);
        if (listed.ok()) {
          json keys = json::array();
          for (const auto& o : listed->objects) keys.push_back(o.key);
          result["generated_keys"] = keys;
        }
      }
      if (plan != nullptr && !plan->output.path.empty() && ref.tool == "video_frames" &&
          result.contains("generated_keys")) {
        // output.path names a directory that receives every frame (as on the local backend).
        auto dir = files_->resolve_download_path(plan->tool, plan->output.path);
        if (!dir.ok()) return dir.status();
        std::vector<std::string> written;
        for (const auto& k : result["generated_keys"]) {
          const std::string key = k.get<std::string>();
          const std::string file = (fs::path(*dir) / fs::path(key).filename()).string();
          std::error_code ec;
          fs::create_directories(*dir, ec);
          auto got = client_->get_object_to_file(key, file, {}, ref.bucket);
          if (!got.ok()) {
            for (const auto& w : written) fs::remove(w, ec);
            return got.status();
          }
          written.push_back(file);
        }
        result["path"] = *dir;
      }
      if (plan != nullptr && !plan->output.path.empty() && ref.tool != "video_frames" &&
          ref.tool != "hls_playlist") {
        auto path = files_->resolve_download_path(plan->tool, plan->output.path);
        if (!path.ok()) return path.status();
        std::error_code ec;
        fs::create_directories(fs::path(*path).parent_path(), ec);
        auto got = client_->get_object_to_file(ref.target_key, *path, {}, ref.bucket);
        if (!got.ok()) return got.status();
        result["path"] = got->path;
        result["size"] = got->size;
        result["metadata"] = files_->file_metadata(got->path);
      }
      return result;
    }
    if (task->status == "Failed" || task->status == "Cancelled" || task->status == "Canceled") {
      std::string code = task->code.empty() ? std::string("Failed") : task->code;
      return Status::error(fmt::format("imm.task.{}", code),
                           fmt::format("job {} ({}) failed: {} {}", result.value("job_id", ""),
                                       ref.task_id, code, task->message));
    }
    if (context.progress) {
      context.progress(std::clamp(task->progress, 0, 100) / 100.0,
                       fmt::format("job {}: {}%", result.value("job_id", ""), task->progress));
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result["status"] = "running";
      return result;
    }
    // 100 ms, 200 ms, … up to poll_interval: short jobs end in a fraction of a second.
    auto nap = std::min<std::chrono::steady_clock::duration>(deadline - now, step);
    std::this_thread::sleep_for(nap);
    step = std::min<std::chrono::milliseconds>(step * 2, options_.poll_interval);
  }
}

Result<json> OssExecutor::run_extract(const core::Plan& plan, const std::string& bucket,
                                      const std::string& key, json result) {
  auto proj = project(bucket);
  if (!proj.ok()) return proj.status();
  std::string strength;
  if (const core::Param* s = plan.operations.front().find("s")) strength = s->as_text();
  auto task = imm_->create_decode_blind_watermark_task(
      *proj, fmt::format("oss://{}/{}", bucket, key), strength);
  if (!task.ok()) return task.status();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::chrono::milliseconds step{100};
  for (;;) {
    auto r = imm_->get_decode_blind_watermark_result(*proj, task->task_id);
    if (!r.ok()) return r.status();
    if (r->status == "Succeeded") {
      result["mode"] = "info";
      result["request_id"] = task->request_id;
      result["data"] = {{"found", !r->content.empty()},
                        {"content", r->content.empty() ? json(nullptr) : json(r->content)}};
      return result;
    }
    if (r->status == "Failed") {
      return Status::error(fmt::format("imm.task.{}", r->code.empty() ? "Failed" : r->code),
                           fmt::format("the watermark extraction {} failed: {}", task->task_id,
                                       r->message));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::error("imm.timeout",
                           fmt::format("the watermark extraction {} did not finish in 120 s",
                                       task->task_id));
    }
    std::this_thread::sleep_for(step);
    step = std::min<std::chrono::milliseconds>(step * 2, options_.poll_interval);
  }
}

Result<json> OssExecutor::run_transfer(const core::Plan& plan, const std::string& bucket,
                                       json result) {
  result["operations"] = "";
  if (plan.tool == "object_upload") {
    local::LocalExecutor::FetchedCopy fetched;
    auto path = files_->resolve_source(plan, fetched);
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
  std::error_code ec;
  fs::create_directories(fs::path(*path).parent_path(), ec);
  auto got = client_->get_object_to_file(plan.source.value, *path, {}, bucket);
  if (!got.ok()) return got.status();
  result["mode"] = "download";
  result["request_id"] = got->request_id;
  result["path"] = got->path;
  result["size"] = got->size;
  result["metadata"] = {{"content_type", got->content_type}, {"etag", got->etag}};
  return result;
}

Result<json> OssExecutor::job_status(const json& args, const local::RunContext& context) {
  const std::string id = args.value("job_id", "");
  auto ref = decode_job_id(id);
  if (!ref.ok()) return ref.status();
  if (args.value("cancel", false)) {
    return Status::error("job.cancel_unsupported",
                         fmt::format("job {} runs in IMM ({}), which offers no way to cancel a "
                                     "task; it ends on its own",
                                     id.substr(0, 80), ref->task_id));
  }
  json result{{"success", true}, {"backend", "oss"}, {"job_id", id}, {"task_id", ref->task_id}};
  std::int64_t wait = std::clamp<std::int64_t>(args.value("wait_seconds", std::int64_t{0}), 0, 600);
  return follow(*ref, std::chrono::seconds(wait), std::move(result), nullptr, context);
}

Result<json> OssExecutor::run_object_tool(const std::string& tool, const json& args) {
  const std::string bucket = args.value("bucket", options_.bucket);
  json result{{"success", true}, {"backend", "oss"}, {"operations", ""}};
  if (tool == "object_head") {
    auto info = client_->head_object(args.value("key", ""), bucket);
    if (!info.ok()) return info.status();
    result["request_id"] = info->request_id;
    result["target_key"] = args.value("key", "");
    result["size"] = info->size;
    result["metadata"] = {{"content_type", info->content_type}, {"etag", info->etag},
                          {"last_modified", info->last_modified},
                          {"object_type", info->object_type}};
    return result;
  }
  if (tool == "object_list") {
    oss::ListOptions lo;
    lo.prefix = args.value("prefix", "");
    lo.delimiter = args.value("delimiter", "");
    lo.continuation_token = args.value("continuation_token", "");
    lo.max_keys = args.value("max_keys", 100);
    auto page = client_->list_objects_v2(lo, bucket);
    if (!page.ok()) return page.status();
    json objects = json::array();
    for (const auto& o : page->objects) {
      objects.push_back({{"key", o.key}, {"size", o.size}, {"last_modified", o.last_modified},
                         {"etag", o.etag}});
    }
    result["request_id"] = page->request_id;
    result["data"] = {{"objects", objects}, {"common_prefixes", page->common_prefixes},
                      {"is_truncated", page->truncated}};
    if (page->truncated) result["data"]["next_continuation_token"] = page->next_continuation_token;
    return result;
  }
  if (tool == "imm_setup") return imm_setup(args);
  if (tool == "doctor") return doctor();
  return Status::error(fmt::format("unsupported_on_backend.{}", tool),
                       fmt::format("{} is not an object tool of the oss backend", tool));
}

Result<json> OssExecutor::imm_setup(const json& args) {
  const std::string bucket = args.value("bucket", options_.bucket);
  std::string name = args.value("project", options_.imm_project);
  if (name.empty()) name = "oss-media-" + lower(bucket);
  // The attachment first: a bucket attached to another project is refused before anything is
  // created.
  auto current = imm_->get_oss_bucket_attachment(bucket);
  if (current.ok() && *current != name) {
    return Status::error("imm.bucket_attached_elsewhere",
                         fmt::format("the bucket {} is attached to the IMM project {}, not {}; "
                                     "pass project: \"{}\" or detach it in the console",
                                     bucket, *current, name, *current));
  }
  bool created = false;
  auto existing = imm_->get_project(name);
  if (!existing.ok()) {
    if (existing.status().id() != "imm.ResourceNotFound" &&
        existing.status().id() != "imm.InvalidArgument.ResourceNotFound" &&
        existing.status().id().find("NotFound") == std::string::npos) {
      return existing.status();
    }
    auto made = imm_->create_project(name);
    if (!made.ok()) return made.status();
    created = true;
  }
  bool attached = false;
  if (!current.ok()) {
    auto a = imm_->attach_oss_bucket(name, bucket);
    if (!a.ok()) return a.status();
    attached = true;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    projects_[bucket] = name;
  }
  json result{{"success", true}, {"backend", "oss"}, {"operations", ""}, {"request_id", ""}};
  result["data"] = {{"project", name}, {"bucket", bucket}, {"project_created", created},
                    {"bucket_attached", attached}};
  return result;
}

Result<json> OssExecutor::doctor() {
  json checks = json::array();
  bool all_ok = true;
  auto add = [&](const std::string& name, bool ok, const std::string& detail) {
    checks.push_back({{"name", name}, {"ok", ok}, {"detail", detail}});
    all_ok = all_ok && ok;
  };
  auto creds = credentials_();
  std::string source = options_.credential_source_name ? options_.credential_source_name() : "";
  add("credentials", creds.ok(),
      creds.ok() ? fmt::format("{} credentials from {}",
                               creds->has_token() ? "temporary (STS)" : "long-term",
                               source.empty() ? std::string("the configured source") : source)
                 : creds.status().to_string());
  if (creds.ok()) {
    oss::ListOptions lo;
    lo.max_keys = 1;
    auto listed = client_->list_objects_v2(lo, options_.bucket);
    add("oss.list", listed.ok(),
        listed.ok() ? "the bucket answers ListObjectsV2" : listed.status().to_string());
    // The probe object is journaled like a staged source: a PUT that failed after acting or a
    // failed DELETE leaves it to drain_cleanup.
    const TempObject probe{options_.bucket, options_.temp_prefix + "doctor-" + random_hex(8)};
    const bool journaled = journal_.add(probe).is_ok();
    auto put = client_->put_object_data(probe.key, "doctor", {}, options_.bucket);
    add("oss.write", put.ok(), put.ok() ? "PutObject allowed" : put.status().to_string());
    auto del = client_->delete_object(probe.key, options_.bucket);
    if (put.ok()) {
      add("oss.delete", del.ok(), del.ok() ? "DeleteObject allowed" : del.status().to_string());
    }
    if (del.ok() && journaled) (void)journal_.remove(probe);
    auto proj = project(options_.bucket);
    add("imm.project", proj.ok(),
        proj.ok() ? "IMM project " + *proj : proj.status().to_string());
  }
  json data{{"backend", "oss"},
            {"ok", all_ok},
            {"bucket", options_.bucket},
            {"region", options_.region},
            {"endpoint", client_->endpoint().scheme + "://" + client_->endpoint().host},
            {"imm_endpoint", imm_->endpoint_url()},
            {"reveal_signed_urls", options_.reveal_signed_urls},
            {"cleanup_pending", journal_.entries().size()},
            {"checks", checks}};
  return json{{"success", true}, {"backend", "oss"}, {"operations", ""}, {"request_id", ""},
              {"data", data}};
}

}  // namespace omm::oss_backend

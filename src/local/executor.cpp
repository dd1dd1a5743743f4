#include "local/executor.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "core/list_token.h"
#include "core/render.h"
#include "files/made_dirs.h"
#include "files/uri_fetch.h"
#include "local/child_process.h"
#include "local/delivery.h"
#include "local/engine_pool.h"
#include "local/ffmpeg_runner.h"
#include "local/file_links.h"

namespace omm::local {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kImageEngine = "oss-media-engine-image";
constexpr const char* kVisionEngine = "oss-media-engine-vision";
constexpr const char* kProbeEngine = "oss-media-engine-probe";
constexpr std::chrono::milliseconds kProbeTimeout{60000};  // one probe, the probe engine's

// The build directory's subfolder of an engine (src/engine/<dir>/<name>).
const char* engine_subdir(const std::string& name) {
  if (name == kImageEngine) return "image";
  if (name == kVisionEngine) return "vision";
  return "probe";
}

fs::path canonical_or_weak(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

std::string extension_of(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "jpeg") ext = "jpg";
  if (ext == "tif") ext = "tiff";
  return ext;
}

// The output format of an image chain: its last `format`, else the source's own.
std::string image_format(const core::Plan& plan, const std::string& source_path) {
  std::string fmt;
  for (const auto& op : plan.operations) {
    if (op.spec->name == std::string_view("format")) {
      if (const core::Param* v = op.find("value")) fmt = v->as_text();
    }
  }
  if (fmt.empty()) fmt = extension_of(source_path);
  if (fmt == "jpeg") fmt = "jpg";
  return fmt.empty() ? "jpg" : fmt;
}

json operations_json(const core::Plan& plan, size_t begin, size_t end) {
  json all = core::plan_to_json(plan)["operations"];
  json out = json::array();
  for (size_t i = begin; i < end && i < all.size(); ++i) out.push_back(all[i]);
  return out;
}

Status io_error(const std::string& what, const std::error_code& ec) {
  return Status::error("local.io", fmt::format("{}: {}", what, ec.message()));
}

}  // namespace

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng();
  uint64_t b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("local-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                     a & 0xffff, b >> 48, b & 0xffffffffffffULL);
}

std::string executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

Result<std::shared_ptr<LocalExecutor>> LocalExecutor::create(LocalOptions options) {
  auto store = DirStore::open(options.root, !options.check_only);
  if (!store.ok()) return store.status();
  files::LocalFilesOptions fo;
  fo.output_dir = options.output_dir;
  fo.input_dirs = options.input_dirs;
  fo.extra_input_dir = store->root();
  fo.fetch_dir = (fs::path(store->root()) / ".tmp").string();
  fo.max_fetch_bytes = options.max_fetch_bytes;
  fo.allow_private_uri = options.allow_private_uri;
  fo.create_output_dir = !options.check_only;
  // A file under the root reads as its key; fetched copies and results as their names.
  fo.hidden = {
      {store->root() + "/.tmp/", ""}, {store->root() + "/", ""}, {store->root(), "the local root"}};
  if (!options.state_dir.empty()) fo.hidden.push_back({options.state_dir, "the state directory"});
  auto files = files::LocalFiles::create(std::move(fo));
  if (!files.ok()) return files.status();
  options.output_dir = files->options().output_dir;
  options.input_dirs = files->options().input_dirs;
  if (options.workers == 0) options.workers = std::max(1u, std::thread::hardware_concurrency());
  auto shared_files = std::make_shared<const files::LocalFiles>(std::move(*files));
  auto executor = std::shared_ptr<LocalExecutor>(
      new LocalExecutor(std::move(options), std::move(*store), std::move(shared_files)));
  if (!executor->options_.check_only) executor->sweep_results();
  return executor;
}

// url-mode results live until their longest possible link has expired; fetched copies that a
// crash left behind go after an hour.
void LocalExecutor::sweep_results() const {
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  fs::path tmp = fs::path(store_.root()) / ".tmp";
  for (const auto& e : fs::directory_iterator(tmp / "results", ec)) {
    std::error_code ec2;
    auto age = now - fs::last_write_time(e.path(), ec2);
    if (!ec2 && age > std::chrono::seconds(kMaxLinkSeconds)) fs::remove_all(e.path(), ec2);
  }
  for (const auto& e : fs::directory_iterator(tmp, ec)) {
    std::error_code ec2;
    if (e.path().filename().string().rfind("fetch-", 0) != 0) continue;
    auto age = now - fs::last_write_time(e.path(), ec2);
    if (!ec2 && age > std::chrono::hours(1)) fs::remove(e.path(), ec2);
  }
}

std::string LocalExecutor::result_url(const core::Plan& plan, const std::string& path) const {
  if (!options_.result_link) return "file://" + path;
  std::string results = (fs::path(store_.root()) / ".tmp" / "results").string() + "/";
  std::string key = path.rfind(results, 0) == 0 ? path.substr(results.size()) : path;
  std::int64_t seconds =
      std::min(plan.output.expires.value_or(kDefaultLinkSeconds), kMaxLinkSeconds);
  return options_.result_link(key, unix_now() + seconds);
}

LocalExecutor::LocalExecutor(LocalOptions options, DirStore store,
                             std::shared_ptr<const files::LocalFiles> f)
    : options_(std::move(options)), store_(std::move(store)), files_(std::move(f)) {}

LocalExecutor::~LocalExecutor() = default;

Result<std::string> LocalExecutor::find_engine(const std::string& name) const {
  std::vector<fs::path> candidates;
  if (!options_.engine_dir.empty()) candidates.push_back(fs::path(options_.engine_dir) / name);
  if (const char* env = std::getenv("OMM_ENGINE_DIR")) candidates.push_back(fs::path(env) / name);
  fs::path here = executable_dir();
  candidates.push_back(here / name);
  candidates.push_back(here / "engine" / engine_subdir(name) / name);
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c.string();
  }
  return Status::error("engine.missing",
                       fmt::format("the engine worker {} is not installed next to the server "
                                   "(looked in {}); run scripts/setup.sh",
                                   name, here.string()));
}

EnginePool* LocalExecutor::engine(const std::string& name, Status* error) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<EnginePool>& slot =
      name == kImageEngine ? image_ : (name == kVisionEngine ? vision_ : probe_);
  if (!slot) {
    auto exe = find_engine(name);
    if (!exe.ok()) {
      *error = exe.status();
      return nullptr;
    }
    EnginePoolOptions o;
    o.executable = *exe;
    o.max_workers = options_.workers;
    o.memory_limit_mb = options_.memory_limit_mb;
    o.max_pixels = options_.max_pixels;
    o.job_timeout = options_.job_timeout;
    if (name == kProbeEngine) o.job_timeout = std::min(o.job_timeout, kProbeTimeout);
    slot = std::make_unique<EnginePool>(o);
  }
  return slot.get();
}

ProbeEngine LocalExecutor::probe_engine() {
  Status err;
  EnginePool* pool = engine(kProbeEngine, &err);
  if (pool == nullptr) return {};  // ffprobe children instead
  return [pool](const std::string& path) -> Result<json> {
    auto r = pool->run(json{{"input", path}});
    if (!r.ok()) return r.status();
    auto data = r->find("data");
    if (data == r->end() || !data->is_object()) {
      return Status::error("engine.decode", "the probe engine gave no answer");
    }
    return std::move(*data);
  };
}

json LocalExecutor::file_metadata(const std::string& path) {
  std::error_code ec;
  auto size = static_cast<std::uint64_t>(fs::file_size(path, ec));
  json out{{"size", ec ? 0 : size}};
  ProbeOptions po;
  po.engine = probe_engine();
  auto probed = probe_media(path, po);
  if (!probed.ok()) return out;
  const MediaSummary& m = probed->summary;
  std::string image = image_kind(m);
  if (image.empty()) return metadata_json(m);
  if (image == "jpeg") image = "jpg";
  out["format"] = image;
  out["width"] = m.width;
  out["height"] = m.height;
  return out;
}

Result<std::string> LocalExecutor::resolve_source(const core::Plan& plan, FetchedCopy& fetched,
                                                  const RunContext* context) const {
  if (plan.source.kind == core::Source::Kind::kKey) {
    auto head = store_.head(plan.source.value);
    if (!head.ok()) return head.status();
    return store_.path_for(plan.source.value);
  }
  return files_->resolve_uri(plan.tool, plan.source.value, fetched, context);
}

Result<json> LocalExecutor::run(const core::Plan& plan, const RunContext& context) {
  auto r = run_plan(plan, context);
  if (!r.ok()) return without_server_paths(r.status());
  return r;
}

Result<json> LocalExecutor::run_plan(const core::Plan& plan, const RunContext& context) {
  if (plan.bucket || plan.region) {
    return Status::error(
        fmt::format("invalid_argument.{}.{}", plan.tool, plan.bucket ? "bucket" : "region"),
        "bucket and region select the oss backend; the local backend has one "
        "bucket, its root directory");
  }
  switch (core::work_of(plan)) {
    case core::Work::kUpload:
    case core::Work::kDownload:
      return run_transfer(plan);
    case core::Work::kImage:
    case core::Work::kInspect:
      return run_engine_job(plan, kImageEngine, context);
    case core::Work::kDetect:
    case core::Work::kExtract:
      return run_engine_job(plan, kVisionEngine, context);
    case core::Work::kMedia:
      return run_media(plan, context);
  }
  return Status::error("internal", "unknown work kind");
}

std::string LocalExecutor::key_of(const std::string& path) const {
  std::string root = store_.root() + "/";
  return path.rfind(root, 0) == 0 ? path.substr(root.size()) : path;
}

Result<json> LocalExecutor::run_media(const core::Plan& plan, const RunContext& context) {
  FetchedCopy fetched;
  auto source = resolve_source(plan, fetched, &context);
  if (!source.ok()) return source.status();
  std::string request_id = new_request_id();
  MediaJob job;
  job.op = plan.operations.front();
  job.source = *source;
  job.source_name = plan.source.value;
  for (const auto& in : job.op.inputs) {
    if (!store_.head(in.key).ok()) {
      return Status::error("object.NoSuchKey",
                           fmt::format("the concat input {} does not exist", in.key));
    }
    auto p = store_.path_for(in.key);
    if (!p.ok()) return p.status();
    job.inputs.push_back(*p);
  }
  std::string download_path;
  if (plan.output.mode == core::OutputMode::kSave) {
    auto p = store_.path_for(plan.output.target_key);
    if (!p.ok()) return p.status();
    job.output = *p;
    if (!plan.output.path.empty()) {  // async save: also download here when done
      auto d = files_->resolve_download_path(plan.tool, plan.output.path);
      if (!d.ok()) return d.status();
      download_path = *d;
    }
  } else if (plan.output.mode == core::OutputMode::kDownload) {
    auto d = files_->resolve_download_path(plan.tool, plan.output.path);
    if (!d.ok()) return d.status();
    job.output = *d;
  } else if (plan.output.mode == core::OutputMode::kUrl) {
    const core::OutputShape shape = core::output_shape(plan);
    std::string name =
        shape == core::OutputShape::kPlaylist ? "playlist.m3u8" : "result." + extension_of(*source);
    for (const auto& p : job.op.params) {
      if (p.name() == std::string_view("f") && !p.is_int()) name = "result." + p.as_text();
    }
    job.output =
        (fs::path(store_.root()) / ".tmp" / "results" / request_id.substr(6) / name).string();
    sweep_results();
  }
  files::MadeDirs made;  // taken back if the job fails
  if (!job.output.empty()) {
    if (std::error_code ec = made.make_parents_of(job.output); ec) {
      return io_error("cannot create the directory of the output", ec);
    }
  }
  // Cancellation is polled by a watcher that kills the running child.
  CancelToken token;
  std::atomic<bool> done{false};
  std::thread watcher;
  if (context.cancelled) {
    watcher = std::thread([&] {
      while (!done.load()) {
        if (context.cancelled()) {
          token.cancel();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  FfmpegConfig ffmpeg_config;
  ffmpeg_config.max_duration = options_.max_duration;
  ffmpeg_config.probe_engine = probe_engine();
  ffmpeg_config.on_child = context.child_started;
  FfmpegRunner runner(ffmpeg_config);
  ProgressFn progress;
  if (context.progress) {
    progress = [&](double f) { context.progress(f, fmt::format("{:.0f}%", f * 100)); };
  }
  Result<MediaResult> r = runner.run(job, progress, &token);
  done = true;
  if (watcher.joinable()) watcher.join();
  if (!r.ok()) return r.status();
  made.keep();
  json result{{"success", true},
              {"backend", "local"},
              {"operations", core::render_operations(plan)},
              {"request_id", request_id}};
  if (plan.output.mode == core::OutputMode::kNone) {
    result["mode"] = "info";
    result["data"] = r->data;
    return result;
  }
  result["mode"] = std::string(core::to_string(plan.output.mode));
  if (plan.category == core::Category::kAsync) {
    // Async families run to completion within the call for now (no job journal yet).
    result["status"] = "succeeded";
  }
  if (r->data.is_object() && r->data.contains("validation_warnings")) {
    result["validation_warnings"] = r->data["validation_warnings"];
  }
  std::error_code ec;
  std::uint64_t size =
      r->files.empty() ? 0 : static_cast<std::uint64_t>(fs::file_size(r->files.front(), ec));
  if (plan.output.mode == core::OutputMode::kSave) {
    result["target_key"] = plan.output.target_key;
    const core::OutputShape shape = core::output_shape(plan);
    if (shape != core::OutputShape::kFile) {
      json keys = json::array();
      for (const auto& f : r->files) keys.push_back(key_of(f));
      result["generated_keys"] = keys;
    }
    if (!download_path.empty() && !r->files.empty()) {
      // video_frames: output.path is a directory that receives every frame.
      bool frames = shape == core::OutputShape::kFrames;
      auto written = copy_out(frames ? r->files : std::vector<std::string>{r->files.front()},
                              download_path, frames);
      if (!written.ok()) return written.status();
      result["path"] = *written;
    }
  } else if (plan.output.mode == core::OutputMode::kDownload) {
    result["path"] = r->files.empty() ? job.output : r->files.front();
  } else {
    result["url"] = result_url(plan, r->files.empty() ? job.output : r->files.front());
  }
  result["size"] = size;
  if (plan.output.mode != core::OutputMode::kUrl) result["metadata"] = r->metadata;
  if (r->data.is_object() && !r->data.empty() && !r->data.contains("validation_warnings")) {
    result["data"] = r->data;
  }
  return result;
}

Result<json> LocalExecutor::run_engine_job(const core::Plan& plan, const std::string& engine_name,
                                           const RunContext& context) {
  FetchedCopy fetched;
  auto source = resolve_source(plan, fetched, &context);
  if (!source.ok()) return source.status();
  std::string request_id = new_request_id();
  JobControl control{context.cancelled};
  json result{{"success", true},
              {"backend", "local"},
              {"operations", core::render_operations(plan)},
              {"request_id", request_id}};

  if (plan.output.mode == core::OutputMode::kNone) {  // JSON answers: info, detections, extract
    Status err;
    EnginePool* pool = engine(engine_name, &err);
    if (!pool) return err;
    json options{{"watermark_key", options_.watermark_key}};
    auto r = pool->run({{"input", *source},
                        {"output", ""},
                        {"format", nullptr},
                        {"operations", operations_json(plan, 0, plan.operations.size())},
                        {"options", options}},
                       control);
    if (!r.ok()) return r.status();
    result["mode"] = "info";
    result["data"] = r->value("data", json::object());
    return result;
  }

  // Image outputs: where the bytes go, through a temporary file.
  std::string format = image_format(plan, *source);
  std::string final_path;
  std::string temp;
  files::MadeDirs made;  // taken back if the call fails
  if (plan.output.mode == core::OutputMode::kSave) {
    auto t = store_.temp_path_for(plan.output.target_key, &made);
    if (!t.ok()) return t.status();
    temp = *t;
  } else {
    if (plan.output.mode == core::OutputMode::kDownload) {
      auto p = files_->resolve_download_path(plan.tool, plan.output.path);
      if (!p.ok()) return p.status();
      final_path = *p;
    } else {  // url: a result file of the server's own
      sweep_results();
      final_path =
          (fs::path(store_.root()) / ".tmp" / "results" / (request_id.substr(6) + "." + format))
              .string();
    }
    if (std::error_code ec = made.make_parents_of(final_path); ec) {
      return io_error("cannot create the directory of the output", ec);
    }
    temp = (fs::path(final_path).parent_path() /
            (".omm-part-" + request_id.substr(6) + "-" + fs::path(final_path).filename().string()))
               .string();
  }
  auto cleanup = [&] { std::remove(temp.c_str()); };

  // Image operations with their watermark images; a trailing blindwatermark runs in the vision
  // engine on the image engine's result.
  size_t n = plan.operations.size();
  bool embed = plan.has_embed();
  size_t basic_end = embed ? n - 1 : n;
  json watermark_images = json::object();
  for (const auto& op : plan.operations) {
    if (op.spec->name != std::string_view("watermark")) continue;
    if (const core::Param* img = op.find("image")) {
      // With preprocessing the value reads "<key>?x-oss-process=image/…": the key is before '?'.
      const std::string& value = img->as_text();
      std::string key = value.substr(0, value.find('?'));
      auto p = store_.path_for(key);
      if (!p.ok() || !store_.head(key).ok()) {
        cleanup();
        return Status::error("invalid_argument.watermark.image",
                             fmt::format("the watermark image {} does not exist", key));
      }
      watermark_images[key] = *p;
      watermark_images[value] = *p;
    }
  }
  std::string input = *source;
  json metadata;
  std::string stage = temp;
  if (basic_end > 0) {
    Status err;
    EnginePool* pool = engine(kImageEngine, &err);
    if (!pool) {
      cleanup();
      return err;
    }
    std::string out = embed ? temp + ".stage." + format : temp;
    auto r = pool->run({{"input", input},
                        {"output", out},
                        {"format", format},
                        {"operations", operations_json(plan, 0, basic_end)},
                        {"options", {{"watermark_images", watermark_images}}}},
                       control);
    if (!r.ok()) {
      std::remove(out.c_str());
      cleanup();
      return r.status();
    }
    metadata = r->value("metadata", json::object());
    input = out;
  }
  if (embed) {
    Status err;
    EnginePool* pool = engine(kVisionEngine, &err);
    auto r = pool ? pool->run({{"input", input},
                               {"output", temp},
                               {"format", format},
                               {"operations", operations_json(plan, basic_end, n)},
                               {"options", {{"watermark_key", options_.watermark_key}}}},
                              control)
                  : Result<json>(err);
    if (input != *source) std::remove(input.c_str());
    if (!r.ok()) {
      cleanup();
      return r.status();
    }
    metadata = r->value("metadata", json::object());
  }
  if (context.cancelled && context.cancelled()) {
    cleanup();
    return Status::error("cancelled", "the call was cancelled");
  }
  result["mode"] = std::string(core::to_string(plan.output.mode));
  if (plan.output.mode == core::OutputMode::kSave) {
    auto info = store_.commit(temp, plan.output.target_key);
    if (!info.ok()) return info.status();
    result["target_key"] = plan.output.target_key;
    result["size"] = info->size;
  } else {
    std::error_code ec;
    fs::rename(temp, final_path, ec);
    if (ec) {
      cleanup();
      return io_error("cannot write the output", ec);
    }
    result["size"] = static_cast<std::uint64_t>(fs::file_size(final_path, ec));
    if (plan.output.mode == core::OutputMode::kDownload) {
      result["path"] = final_path;
    } else {
      result["url"] = result_url(plan, final_path);
    }
  }
  if (plan.output.mode != core::OutputMode::kUrl && !metadata.is_null())
    result["metadata"] = metadata;
  made.keep();
  return result;
}

Result<json> LocalExecutor::run_transfer(const core::Plan& plan) {
  json result{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()}};
  if (core::work_of(plan) == core::Work::kUpload) {
    FetchedCopy fetched;
    auto source = resolve_source(plan, fetched);
    if (!source.ok()) return source.status();
    auto info = store_.put_file(plan.output.target_key, *source);
    if (!info.ok()) return info.status();
    result["mode"] = "upload";
    result["target_key"] = plan.output.target_key;
    result["size"] = info->size;
    result["metadata"] = {{"content_type", info->content_type}, {"etag", info->etag}};
    return result;
  }
  FetchedCopy none;
  auto source = resolve_source(plan, none);  // the key to download
  if (!source.ok()) return source.status();
  auto path = files_->resolve_download_path(plan.tool, plan.output.path);
  if (!path.ok()) return path.status();
  files::MadeDirs made;  // taken back if the copy fails
  std::error_code ec = made.make_parents_of(*path);
  std::string temp =
      (fs::path(*path).parent_path() / (".omm-part-" + fs::path(*path).filename().string()))
          .string();
  if (!ec) fs::copy_file(*source, temp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(temp, *path, ec);
  if (ec) {
    std::remove(temp.c_str());
    return io_error("cannot write " + plan.output.path, ec);
  }
  made.keep();
  result["mode"] = "download";
  result["path"] = *path;
  result["size"] = static_cast<std::uint64_t>(fs::file_size(*path, ec));
  return result;
}

Result<json> LocalExecutor::head(const std::string& key) {
  auto info = store_.head(key);
  if (!info.ok()) return without_server_paths(info.status());
  return json{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()},
              {"target_key", info->key},
              {"size", info->size},
              {"metadata",
               {{"content_type", info->content_type},
                {"etag", info->etag},
                {"last_modified_ms", info->last_modified_ms}}}};
}

Result<json> LocalExecutor::list(const core::ObjectListRequest& request) {
  ListRequest req;
  req.prefix = request.prefix;
  req.delimiter = request.delimiter;
  req.max_keys = request.max_keys;
  if (!request.continuation_token.empty()) {
    auto after = core::decode_list_token(core::ListBackend::kLocal, request.continuation_token);
    if (!after.ok()) return after.status();
    req.start_after = std::move(*after);
  }
  auto page = store_.list(req);
  if (!page.ok()) return page.status();
  json objects = json::array();
  for (const auto& o : page->objects) {
    objects.push_back({{"key", o.key},
                       {"size", o.size},
                       {"last_modified_ms", o.last_modified_ms},
                       {"etag", o.etag}});
  }
  json result{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()}};
  result["data"] = {{"objects", objects},
                    {"common_prefixes", page->common_prefixes},
                    {"is_truncated", page->truncated}};
  if (page->truncated) {
    result["data"]["next_continuation_token"] =
        core::encode_list_token(core::ListBackend::kLocal, page->next_after);
  }
  return result;
}

// doctor on the local backend: the directories, the FFmpeg programs and the engine workers this
// server would use, and where the blind-watermark key comes from (never its value).
Result<json> LocalExecutor::doctor() {
  json checks = json::array();
  bool all_ok = true;
  auto add = [&](const std::string& name, bool ok, const std::string& detail) {
    checks.push_back({{"name", name}, {"ok", ok}, {"detail", detail}});
    all_ok = all_ok && ok;
  };
  auto writable = [](const std::string& dir) { return ::access(dir.c_str(), W_OK | X_OK) == 0; };
  add("root", writable(store_.root()),
      store_.root() + (writable(store_.root()) ? " (writable)" : " (not writable)"));
  add("output_dir", writable(options_.output_dir),
      options_.output_dir + (writable(options_.output_dir) ? " (writable)" : " (not writable)"));
  for (const char* program : {"ffmpeg", "ffprobe"}) {
    std::string first;
    auto child = ChildProcess::spawn({program, "-hide_banner", "-version"});
    if (!child.ok()) {
      add(program, false, child.status().to_string() + "; install it (scripts/setup.sh)");
      continue;
    }
    ChildExit exit = (*child)->wait(
        [&](std::string_view line) {
          if (first.empty()) first = std::string(line);
        },
        ChildProcess::Clock::now() + std::chrono::seconds(10));
    add(program, exit.success(),
        exit.success() ? first : fmt::format("{} -version failed", program));
  }
  for (const char* name : {kImageEngine, kVisionEngine}) {
    auto exe = find_engine(name);
    add(name, exe.ok(), exe.ok() ? *exe : exe.status().message());
  }
  // Optional: without it, probes run as ffprobe children (slower, same answers).
  auto probe = find_engine(kProbeEngine);
  add(kProbeEngine, true,
      probe.ok() ? *probe : "not installed; media is probed with ffprobe children instead");
  bool default_key = options_.watermark_key == LocalOptions{}.watermark_key;
  checks.push_back({{"name", "watermark_key"},
                    {"ok", true},
                    {"detail", default_key ? "the documented default key (set --watermark-key to "
                                             "keep marks private to this deployment)"
                                           : "configured with --watermark-key"}});
  json data{{"backend", "local"},
            {"ok", all_ok},
            {"root", store_.root()},
            {"output_dir", options_.output_dir},
            {"input_dirs", options_.input_dirs},
            {"checks", checks}};
  return json{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()},
              {"data", data}};
}

}  // namespace omm::local

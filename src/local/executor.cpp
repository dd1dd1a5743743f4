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
#include "local/child_process.h"
#include "local/delivery.h"
#include "local/engine_pool.h"
#include "local/ffmpeg_runner.h"
#include "local/file_links.h"
#include "local/made_dirs.h"
#include "local/uri_fetch.h"

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

bool inside(const fs::path& dir, const fs::path& path) {
  std::string d = dir.string();
  std::string p = path.string();
  if (!d.empty() && d.back() == '/') d.pop_back();
  return p == d || p.rfind(d + "/", 0) == 0;
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

bool is_credential_path(const fs::path& p) {
  std::string s = p.string();
  for (const char* marker : {"/.aliyun/", "/.alibabacloud/", "/.ssh/"}) {
    if (s.find(marker) != std::string::npos) return true;
  }
  return false;
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
  auto store = DirStore::open(options.root);
  if (!store.ok()) return store.status();
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  if (ec) return io_error("cannot create the output directory " + options.output_dir, ec);
  options.output_dir = canonical_or_weak(options.output_dir).string();
  if (options.input_dirs.empty()) options.input_dirs = {options.output_dir, store->root()};
  for (auto& d : options.input_dirs) d = canonical_or_weak(d).string();
  if (options.workers == 0) options.workers = std::max(1u, std::thread::hardware_concurrency());
  auto executor =
      std::shared_ptr<LocalExecutor>(new LocalExecutor(std::move(options), std::move(*store)));
  executor->sweep_results();
  return executor;
}

LocalExecutor::FetchedCopy::~FetchedCopy() {
  if (!path.empty()) std::remove(path.c_str());
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
  std::int64_t seconds = std::min(plan.output.expires.value_or(kDefaultLinkSeconds), kMaxLinkSeconds);
  return options_.result_link(key, unix_now() + seconds);
}

Result<std::string> LocalExecutor::fetch_source(const core::Plan& plan, FetchedCopy& fetched,
                                                const RunContext* context) const {
  // Keep the URL path's extension: engines and the default output format go by it.
  std::string url_path = plan.source.value.substr(0, plan.source.value.find_first_of("?#"));
  std::string ext = extension_of(url_path.substr(url_path.rfind('/') + 1));
  bool ext_ok = !ext.empty() && ext.size() <= 5;
  for (char c : ext) ext_ok = ext_ok && std::isalnum(static_cast<unsigned char>(c));
  fs::path dir = fs::path(store_.root()) / ".tmp";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir.string(), ec);
  fetched.path = (dir / ("fetch-" + new_request_id().substr(6) + (ext_ok ? "." + ext : ""))).string();
  FetchOptions o;
  o.max_bytes = options_.max_fetch_bytes;
  o.allow_private = options_.allow_private_uri;
  if (context && context->cancelled) o.cancelled = context->cancelled;
  auto r = fetch_to_file(plan.source.value, fetched.path, o);
  if (!r.ok()) {
    if (r.status().id() == "source.bad_url") {
      return Status::error(fmt::format("invalid_argument.{}.source.uri", plan.tool),
                           r.status().message());
    }
    return r.status();
  }
  return fetched.path;
}

LocalExecutor::LocalExecutor(LocalOptions options, DirStore store)
    : options_(std::move(options)), store_(std::move(store)) {}

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
    if (!head.ok()) {
      if (head.status().id() == "local.NoSuchKey") {
        return Status::error("local.NoSuchKey",
                             fmt::format("the object {} does not exist", plan.source.value));
      }
      return head.status();
    }
    return store_.path_for(plan.source.value);
  }
  const std::string& uri = plan.source.value;
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    return fetch_source(plan, fetched, context);
  }
  fs::path p = canonical_or_weak(uri);
  bool allowed = false;
  for (const auto& d : options_.input_dirs) allowed = allowed || inside(d, p);
  if (!allowed || is_credential_path(p)) {
    return Status::error(fmt::format("invalid_argument.{}.source.uri", plan.tool),
                         fmt::format("{} is outside the input directories this server reads "
                                     "local files from (its --input-dir flags; by default its "
                                     "output directory and its local root)",
                                     uri));
  }
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::error(fmt::format("invalid_argument.{}.source.uri", plan.tool),
                         fmt::format("{} is not a readable file", uri));
  }
  return p.string();
}

Result<std::string> LocalExecutor::resolve_download_path(const std::string& tool,
                                                         const std::string& path) const {
  fs::path p = fs::path(path).is_absolute() ? fs::path(path) : fs::path(options_.output_dir) / path;
  p = canonical_or_weak(p);
  if (!inside(options_.output_dir, p) || p == fs::path(options_.output_dir)) {
    return Status::error(fmt::format("invalid_argument.{}.output.path", tool),
                         fmt::format("{} is outside the output directory (downloads are written "
                                     "under the server's --output-dir; give a path relative to "
                                     "it)",
                                     path));
  }
  return p.string();
}

Status LocalExecutor::without_server_paths(Status status) const {
  if (status.is_ok()) return status;
  std::string m = status.message();
  auto replace_all = [&m](const std::string& from, const std::string& to) {
    if (from.size() <= 1) return;
    for (size_t at = m.find(from); at != std::string::npos; at = m.find(from, at + to.size())) {
      m.replace(at, from.size(), to);
    }
  };
  // Longest first: the output directory may lie inside the root or the other way round.
  std::vector<std::pair<std::string, std::string>> dirs = {
      {store_.root() + "/.tmp/", ""},
      {store_.root() + "/", ""},
      {options_.output_dir + "/", ""},
      {store_.root(), "the local root"},
      {options_.output_dir, "the output directory"}};
  if (!options_.state_dir.empty()) dirs.push_back({options_.state_dir, "the state directory"});
  std::stable_sort(dirs.begin(), dirs.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : dirs) replace_all(from, to);
  return Status::error(status.id(), m);
}

Result<json> LocalExecutor::run(const core::Plan& plan, const RunContext& context) {
  auto r = run_plan(plan, context);
  if (!r.ok()) return without_server_paths(r.status());
  return r;
}

Result<json> LocalExecutor::run_object_tool(const std::string& tool, const json& args) {
  auto r = run_object(tool, args);
  if (!r.ok()) return without_server_paths(r.status());
  return r;
}

Result<json> LocalExecutor::run_plan(const core::Plan& plan, const RunContext& context) {
  if (plan.bucket || plan.region) {
    return Status::error(fmt::format("invalid_argument.{}.{}", plan.tool, plan.bucket ? "bucket" : "region"),
                         "bucket and region select the oss backend; the local backend has one "
                         "bucket, its root directory");
  }
  if (plan.tool == "object_upload" || plan.tool == "object_download") return run_transfer(plan);
  if (plan.tool == "image_process" || plan.tool == "image_inspect") {
    return run_engine_job(plan, kImageEngine, context);
  }
  if (plan.tool == "image_detect" || plan.tool == "image_watermark_extract") {
    return run_engine_job(plan, kVisionEngine, context);
  }
  static const char* kMediaTools[] = {"media_info",   "video_snapshot",  "video_transcode",
                                      "video_frames", "video_sprite",    "video_animation",
                                      "media_concat", "audio_transcode", "hls_playlist"};
  for (const char* t : kMediaTools) {
    if (plan.tool == t) return run_media(plan, context);
  }
  return Status::error(fmt::format("unsupported_on_backend.{}", plan.tool),
                       fmt::format("{} does not run on the local backend in this build yet", plan.tool));
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
      return Status::error("local.NoSuchKey", fmt::format("the concat input {} does not exist", in.key));
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
      auto d = resolve_download_path(plan.tool, plan.output.path);
      if (!d.ok()) return d.status();
      download_path = *d;
    }
  } else if (plan.output.mode == core::OutputMode::kDownload) {
    auto d = resolve_download_path(plan.tool, plan.output.path);
    if (!d.ok()) return d.status();
    job.output = *d;
  } else if (plan.output.mode == core::OutputMode::kUrl) {
    std::string name = plan.tool == "hls_playlist" ? "playlist.m3u8" : "result." + extension_of(*source);
    for (const auto& p : job.op.params) {
      if (p.name() == std::string_view("f") && !p.is_int()) name = "result." + p.as_text();
    }
    job.output = (fs::path(store_.root()) / ".tmp" / "results" / request_id.substr(6) / name).string();
    sweep_results();
  }
  MadeDirs made;  // taken back if the job fails
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
  json result{{"success", true}, {"backend", "local"}, {"operations", core::render_operations(plan)},
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
  std::uint64_t size = r->files.empty() ? 0 : static_cast<std::uint64_t>(fs::file_size(r->files.front(), ec));
  if (plan.output.mode == core::OutputMode::kSave) {
    result["target_key"] = plan.output.target_key;
    if (plan.tool == "video_frames" || plan.tool == "hls_playlist") {
      json keys = json::array();
      for (const auto& f : r->files) keys.push_back(key_of(f));
      result["generated_keys"] = keys;
    }
    if (!download_path.empty() && !r->files.empty()) {
      // video_frames: output.path is a directory that receives every frame.
      bool frames = plan.tool == "video_frames";
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
  json result{{"success", true}, {"backend", "local"}, {"operations", core::render_operations(plan)},
              {"request_id", request_id}};

  if (plan.output.mode == core::OutputMode::kNone) {  // JSON answers: info, detections, extract
    Status err;
    EnginePool* pool = engine(engine_name, &err);
    if (!pool) return err;
    json options{{"watermark_key", options_.watermark_key}};
    auto r = pool->run({{"input", *source}, {"output", ""}, {"format", nullptr},
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
  MadeDirs made;  // taken back if the call fails
  if (plan.output.mode == core::OutputMode::kSave) {
    auto t = store_.temp_path_for(plan.output.target_key, &made);
    if (!t.ok()) return t.status();
    temp = *t;
  } else {
    if (plan.output.mode == core::OutputMode::kDownload) {
      auto p = resolve_download_path(plan.tool, plan.output.path);
      if (!p.ok()) return p.status();
      final_path = *p;
    } else {  // url: a result file of the server's own
      sweep_results();
      final_path = (fs::path(store_.root()) / ".tmp" / "results" /
                    (request_id.substr(6) + "." + format)).string();
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
    auto r = pool->run({{"input", input}, {"output", out}, {"format", format},
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
    auto r = pool ? pool->run({{"input", input}, {"output", temp}, {"format", format},
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
  if (plan.output.mode != core::OutputMode::kUrl && !metadata.is_null()) result["metadata"] = metadata;
  made.keep();
  return result;
}

Result<json> LocalExecutor::run_transfer(const core::Plan& plan) {
  json result{{"success", true}, {"backend", "local"}, {"operations", ""},
              {"request_id", new_request_id()}};
  if (plan.tool == "object_upload") {
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
  auto path = resolve_download_path(plan.tool, plan.output.path);
  if (!path.ok()) return path.status();
  MadeDirs made;  // taken back if the copy fails
  std::error_code ec = made.make_parents_of(*path);
  std::string temp = (fs::path(*path).parent_path() / (".omm-part-" + fs::path(*path).filename().string())).string();
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

Result<json> LocalExecutor::run_object(const std::string& tool, const json& args) {
  json result{{"success", true}, {"backend", "local"}, {"operations", ""},
              {"request_id", new_request_id()}};
  if (args.contains("bucket") || args.contains("region")) {
    return Status::error(fmt::format("invalid_argument.{}.{}", tool,
                                     args.contains("bucket") ? "bucket" : "region"),
                         "bucket and region select the oss backend; the local backend has one "
                         "bucket, its root directory");
  }
  if (tool == "object_head") {
    auto info = store_.head(args.value("key", ""));
    if (!info.ok()) return info.status();
    result["target_key"] = info->key;
    result["size"] = info->size;
    result["metadata"] = {{"content_type", info->content_type}, {"etag", info->etag},
                          {"last_modified_ms", info->last_modified_ms}};
    return result;
  }
  if (tool == "object_list") {
    ListRequest req;
    req.prefix = args.value("prefix", "");
    req.delimiter = args.value("delimiter", "");
    req.max_keys = args.value("max_keys", 100);
    if (std::string token = args.value("continuation_token", ""); !token.empty()) {
      auto after = core::decode_list_token(core::ListBackend::kLocal, token);
      if (!after.ok()) return after.status();
      req.start_after = std::move(*after);
    }
    auto page = store_.list(req);
    if (!page.ok()) return page.status();
    json objects = json::array();
    for (const auto& o : page->objects) {
      objects.push_back({{"key", o.key}, {"size", o.size}, {"last_modified_ms", o.last_modified_ms},
                         {"etag", o.etag}});
    }
    result["data"] = {{"objects", objects}, {"common_prefixes", page->common_prefixes},
                      {"is_truncated", page->truncated}};
    if (page->truncated) {
      result["data"]["next_continuation_token"] =
          core::encode_list_token(core::ListBackend::kLocal, page->next_after);
    }
    return result;
  }
  if (tool == "doctor") return doctor();
  return Status::error(fmt::format("unsupported_on_backend.{}", tool),
                       fmt::format("{} has no meaning on the local backend", tool));
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
  checks.push_back({{"name", "watermark_key"}, {"ok", true},
                    {"detail", default_key ? "the documented default key (set --watermark-key to "
                                             "keep marks private to this deployment)"
                                           : "configured with --watermark-key"}});
  json data{{"backend", "local"},
            {"ok", all_ok},
            {"root", store_.root()},
            {"output_dir", options_.output_dir},
            {"input_dirs", options_.input_dirs},
            {"checks", checks}};
  return json{{"success", true}, {"backend", "local"}, {"operations", ""},
              {"request_id", new_request_id()}, {"data", data}};
}

}  // namespace omm::local

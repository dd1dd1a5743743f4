// LocalExecutor, its frame: creation, the dispatch of a plan by its work kind, where sources and
// results are, and request ids (executor.h). The work itself is in executor_image.cpp,
// executor_media.cpp and executor_objects.cpp; the engine workers and doctor in
// executor_engines.cpp.
#include "local/executor.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/random_id.h"
#include "local/engine_pool.h"
#include "local/executor_impl.h"
#include "local/file_links.h"

namespace omm::local {

namespace fs = std::filesystem;
using executor_impl::kImageEngine;
using executor_impl::kVisionEngine;
using nlohmann::json;

std::string new_request_id() { return "local-" + random_uuid(); }

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

Result<std::string> LocalExecutor::resolve_source(const core::Plan& plan, FetchedCopy& fetched,
                                                  const RunContext* context) const {
  if (plan.source.kind == core::Source::Kind::kKey) {
    auto head = store_.head(plan.source.value);
    if (!head.ok()) return head.status();
    return store_.path_for(plan.source.value);
  }
  return files_->resolve_uri(plan, fetched, context);
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

}  // namespace omm::local

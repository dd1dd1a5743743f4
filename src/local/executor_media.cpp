// LocalExecutor, the FFmpeg jobs: a media plan run by FfmpegRunner with cancellation and
// progress, its outputs saved, downloaded or linked (executor.h).
#include <spdlog/fmt/fmt.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/render.h"
#include "files/made_dirs.h"
#include "local/delivery.h"
#include "local/executor.h"
#include "local/executor_impl.h"
#include "local/ffmpeg_runner.h"

namespace omm::local {

namespace fs = std::filesystem;
using executor_impl::extension_of;
using executor_impl::io_error;
using nlohmann::json;

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

}  // namespace omm::local

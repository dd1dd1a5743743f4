#include "local/ffmpeg_runner.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "core/error_scope.h"
#include "core/input_formats.h"
#include "core/random_id.h"
#include "local/child_process.h"
#include "local/ffmpeg_args.h"

namespace omm::local {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// --- CancelToken -----------------------------------------------------------------------------

void CancelToken::cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (child_ != nullptr) child_->kill();
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

bool CancelToken::attach(ChildProcess* child) {
  std::lock_guard lock(mu_);
  child_ = child;
  return !cancelled_;
}

void CancelToken::detach() {
  std::lock_guard lock(mu_);
  child_ = nullptr;
}

namespace {

Status cancelled_status() { return Status::error("cancelled", "the job was cancelled"); }

std::string random_tag() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}{:x}", random_hex(5), counter.fetch_add(1));
}

// The hidden temporary name used while ffmpeg writes (DirStore never lists ".omm-part-" names).
// ".omm-part-<tag>-<final name><suffix>": hidden, unique, and telling whose output it is (so a
// batch resumed after a crash can discard it).
fs::path temp_path_beside(const fs::path& final_path, std::string_view suffix) {
  std::string name = final_path.filename().string().substr(0, 180);
  return final_path.parent_path() / fmt::format(".omm-part-{}-{}{}", random_tag(), name, suffix);
}

// Removes a partial output (file or directory) when the job does not finish.
class TempGuard {
 public:
  explicit TempGuard(fs::path p) : path_(std::move(p)) {}
  ~TempGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

// The `out_time_us=` value of a progress line, if it is one.
std::optional<double> out_time_seconds(std::string_view line) {
  constexpr std::string_view kKey = "out_time_us=";
  if (line.substr(0, kKey.size()) != kKey) return std::nullopt;
  line.remove_prefix(kKey.size());
  long long us = 0;
  auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), us);
  if (ec != std::errc() || us < 0) return std::nullopt;
  return static_cast<double>(us) / 1e6;
}

// "1:02:03" for 3723 s.
std::string clock_time(double seconds) {
  auto s = static_cast<long long>(std::llround(seconds));
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, s / 60 % 60, s % 60);
}

struct RunContext {
  const FfmpegConfig& config;
  Clock::time_point deadline;
  const ProgressFn& progress;
  CancelToken* cancel;
  double expected_seconds;
};

// Runs one ffmpeg command to completion.
Status run_ffmpeg(const std::vector<std::string>& argv, RunContext& ctx) {
  if (ctx.cancel != nullptr && ctx.cancel->cancelled()) return cancelled_status();
  // As a JSON array, so that the exact vector can be replayed (bench/local.mjs does).
  spdlog::debug("ffmpeg argv: {}", nlohmann::json(argv).dump());
  auto child = ChildProcess::spawn(argv);
  if (!child.ok()) return child.status();
  ChildProcess& proc = **child;
  if (ctx.config.on_child) ctx.config.on_child(proc.pid());
  if (ctx.cancel != nullptr && !ctx.cancel->attach(&proc)) proc.kill();
  double reported = -1;
  double out_time = 0;
  // The header may understate the media: the limit holds on what ffmpeg really produces.
  const double limit = static_cast<double>(ctx.config.max_duration.count());
  bool over_limit = false;
  ChildExit exit = proc.wait(
      [&](std::string_view line) {
        if (auto t = out_time_seconds(line)) {
          out_time = *t;
          if (limit > 0 && out_time > limit + 1.0 && !over_limit) {
            over_limit = true;
            proc.kill();
          }
        }
        if (!ctx.progress || line.substr(0, 9) != "progress=" || ctx.expected_seconds <= 0) return;
        double fraction = std::clamp(out_time / ctx.expected_seconds, 0.0, 1.0);
        if (line == "progress=end") fraction = 1.0;
        if (fraction > reported) {
          reported = fraction;
          ctx.progress(fraction);
        }
      },
      ctx.deadline);
  if (ctx.cancel != nullptr) {
    ctx.cancel->detach();
    if (ctx.cancel->cancelled()) return cancelled_status();
  }
  if (over_limit) {
    return Status::error(
        "engine.limit.duration",
        fmt::format("the media runs longer than its header says: ffmpeg passed the limit of {} "
                    "({} s, --max-duration) and was stopped; process a part (ss and t) or raise "
                    "the limit",
                    clock_time(limit), ctx.config.max_duration.count()));
  }
  if (exit.timed_out) {
    return Status::error(
        "engine.timeout",
        fmt::format(
            "ffmpeg did not finish within the job's time limit ({} s)",
            std::chrono::duration_cast<std::chrono::seconds>(ctx.config.time_limit).count()));
  }
  if (!exit.exited) {
    // Killed from outside (the OOM killer, an operator): like a crashed engine worker.
    std::string why = proc.stderr_summary();
    return Status::error(
        "engine.crashed",
        fmt::format("ffmpeg was killed by signal {} ({}); the job failed and its partial output "
                    "was removed{}{}",
                    exit.signal, strsignal(exit.signal), why.empty() ? "" : ": ", why));
  }
  if (!exit.success()) {
    std::string why = proc.stderr_summary();
    if (why.empty()) {
      why = exit.exited ? fmt::format("exit status {}", exit.code)
                        : fmt::format("killed by signal {}", exit.signal);
    }
    return Status::error("engine.ffmpeg",
                         fmt::format("ffmpeg failed: {}", core::explain_refused_format(why)));
  }
  return Status::ok();
}

bool non_empty_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0 && !ec;
}

Status io_error(std::string_view what, const fs::path& p, const std::error_code& ec) {
  return Status::error("local.io", fmt::format("{} {}: {}", what, p.string(), ec.message()));
}

Status move_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  return ec ? io_error("cannot write", to, ec) : Status::ok();
}

std::string extension_of(const core::Operation& op) {
  const core::Param* f = op.find("f");
  return f == nullptr ? std::string("jpg") : f->plain();
}

// The duration limit, from the probed inputs, before anything runs.
Status check_duration(const core::Operation& op, const ArgsRequest& req,
                      std::chrono::seconds limit) {
  if (limit.count() <= 0) return Status::ok();
  double span = expected_output_seconds(op, req.inputs);
  if (span <= static_cast<double>(limit.count())) return Status::ok();
  return Status::error(
      "engine.limit.duration",
      fmt::format("{} would read {} of media ({:.0f} s), over the limit of {} ({} s, "
                  "--max-duration); process a part (ss and t, or num and inter) or raise the "
                  "limit",
                  op.spec->name, clock_time(span), span,
                  clock_time(static_cast<double>(limit.count())), limit.count()));
}

// video_snapshot: a t at or past the end answers the last frame (as OSS does), with a warning.
std::optional<std::string> snapshot_past_end(const core::Operation& op, const MediaSummary& media,
                                             bool fell_back) {
  const core::Param* t = op.find("t");
  std::int64_t ms = t != nullptr && t->is_int() ? t->as_int() : 0;
  std::int64_t end = std::llround(media.duration * 1000);
  if (media.duration > 0 && ms >= end) {
    return fmt::format("t={} ms is past the end of the video ({} ms); the last frame was returned",
                       ms, end);
  }
  if (fell_back) {
    return fmt::format("t={} ms is past the last frame of the video; the last frame was returned",
                       ms);
  }
  return std::nullopt;
}

// ffmpeg exited 0 but wrote nothing playable: the input held no decodable frame or sample (a
// header without data), or none in the requested range.
Status nothing_decoded(const std::string& label) {
  return Status::error("engine.decode",
                       fmt::format("{}: nothing could be decoded from the input in the requested "
                                   "range; ffmpeg wrote no media",
                                   label));
}

// Start past the end: OSS has nothing to return for frame operations.
Status check_start(const core::Operation& op, const MediaSummary& media) {
  const core::Param* ss = op.find("ss");
  if (ss == nullptr || !ss->is_int() || media.duration <= 0) return Status::ok();
  if (static_cast<double>(ss->as_int()) < media.duration * 1000) return Status::ok();
  return core::ErrorScope::for_op(*op.spec).error(
      "ss", fmt::format("ss={} ms is past the end of the video ({} ms)", ss->as_int(),
                        std::llround(media.duration * 1000)));
}

}  // namespace

Result<MediaResult> FfmpegRunner::run(const MediaJob& job, const ProgressFn& progress,
                                      CancelToken* cancel) const {
  const Clock::time_point deadline = Clock::now() + config_.time_limit;
  const core::Operation& op = job.op;
  const std::string_view name = op.spec->skill_name;  // the OSS action, e.g. "video/convert"
  if (cancel != nullptr && cancel->cancelled()) return cancelled_status();

  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  auto probe = [&](const std::string& path, const std::string& label) -> Result<ProbeResult> {
    auto r = probe_media(path, ProbeOptions{config_.ffprobe, remaining(), config_.probe_engine});
    if (!r.ok() && r.status().id() == "engine.decode") {
      return Status::error("engine.decode", fmt::format("{}: {}", label, r.status().message()));
    }
    if (r.ok()) {
      if (std::string kind = image_kind(r->summary); !kind.empty()) {
        return Status::error("engine.decode",
                             fmt::format("{}: a {} image, not a video or audio file (images go to "
                                         "image_inspect and image_process)",
                                         label, kind));
      }
    }
    return r;
  };

  const std::string source_label = job.source_name.empty() ? job.source : job.source_name;
  auto source = probe(job.source, source_label);
  if (!source.ok()) return source.status();
  if (cancel != nullptr && cancel->cancelled()) return cancelled_status();

  if (name == "video/info" || name == "audio/info") {
    MediaResult r;
    r.data = oss_info(source->ffprobe, name == "audio/info");
    r.metadata = metadata_json(source->summary);
    return r;
  }

  // The inputs as ffmpeg reads them (concat: in playing order).
  ArgsRequest req;
  req.ffmpeg = config_.ffmpeg;
  MediaResult result;
  result.data = nlohmann::json::object();
  if (op.spec->takes_inputs) {
    if (job.inputs.size() != op.inputs.size()) {
      return Status::error("engine.unsupported", "a file is needed for every concat input");
    }
    std::vector<MediaSummary> summaries;
    std::vector<std::string> names;
    for (const ConcatSlot& slot : concat_order(op)) {
      ArgsInput in;
      if (slot.input < 0) {
        in.path = job.source;
        in.media = source->summary;
        names.push_back(source_label);
      } else {
        const auto i = static_cast<std::size_t>(slot.input);
        auto r = probe(job.inputs[i], op.inputs[i].key);
        if (!r.ok()) return r.status();
        in.path = job.inputs[i];
        in.media = r->summary;
        in.ss = slot.ss;
        in.t = slot.t;
        names.push_back(op.inputs[i].key);
      }
      summaries.push_back(in.media);
      req.inputs.push_back(std::move(in));
    }
    auto warnings = check_concat(op, summaries, names);
    if (!warnings.ok()) return warnings.status();
    if (!warnings->empty()) result.data["validation_warnings"] = *warnings;
  } else {
    req.inputs.push_back(ArgsInput{job.source, source->summary, std::nullopt, std::nullopt});
  }
  if (name == "video/animation" || name == "video/snapshots" || name == "video/sprite") {
    if (Status s = check_start(op, source->summary); !s) return s;
  }

  // Temporary output next to the final one.
  const fs::path final_path = fs::absolute(job.output);
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  if (ec) return io_error("cannot create the directory of", final_path, ec);
  const bool multi = name == "video/snapshots" || name == "hls/m3u8";
  const fs::path temp = temp_path_beside(final_path, multi ? "" : ".tmp");
  TempGuard guard(temp);
  fs::path temp_output = temp;
  if (multi) {
    fs::create_directory(temp, ec);
    if (ec) return io_error("cannot create", temp, ec);
    temp_output = name == "hls/m3u8" ? temp / final_path.filename() : temp / "f";
  }
  const std::string ext = extension_of(op);
  req.output =
      name == "video/snapshots" ? frame_pattern(temp_output.string(), ext) : temp_output.string();

  RunContext ctx{config_, deadline, progress, cancel, expected_output_seconds(op, req.inputs)};
  auto argv = ffmpeg_args(op, req);
  if (!argv.ok()) return argv.status();
  if (Status s = check_duration(op, req, config_.max_duration); !s) return s;
  if (Status s = run_ffmpeg(*argv, ctx); !s) return s;
  bool fell_back = false;
  if (name == "video/snapshot" && !non_empty_file(temp_output)) {
    // t lay past the last frame: OSS answers the last frame.
    fell_back = true;
    req.last_frame = true;
    argv = ffmpeg_args(op, req);
    if (!argv.ok()) return argv.status();
    if (Status s = run_ffmpeg(*argv, ctx); !s) return s;
    if (!non_empty_file(temp_output) && op.find("m") != nullptr) {
      // m=fast: no keyframe within that window; take the exact last frame.
      req.exact = true;
      argv = ffmpeg_args(op, req);
      if (!argv.ok()) return argv.status();
      if (Status s = run_ffmpeg(*argv, ctx); !s) return s;
    }
  }

  // Move the result into place.
  if (name == "video/snapshots") {
    for (int n = 1;; ++n) {
      fs::path frame = frame_file_name(temp_output.string(), n, ext);
      if (!fs::exists(frame, ec)) break;
      fs::path target = frame_file_name(final_path.string(), n, ext);
      if (Status s = move_into_place(frame, target); !s) {
        for (const std::string& done : result.files) fs::remove(done, ec);
        return s;
      }
      result.files.push_back(target.string());
    }
    if (result.files.empty()) {
      return Status::error("engine.decode",
                           fmt::format("{}: no frame was selected or could be decoded (check ss, "
                                       "inter and num)",
                                       source_label));
    }
  } else if (name == "hls/m3u8") {
    if (!non_empty_file(temp_output)) return nothing_decoded(source_label);
    std::vector<fs::path> segments;
    for (const auto& e : fs::directory_iterator(temp, ec)) {
      if (e.path().filename() != final_path.filename()) segments.push_back(e.path());
    }
    if (segments.empty()) return nothing_decoded(source_label);
    std::sort(segments.begin(), segments.end());
    std::vector<std::string> moved;
    for (const fs::path& seg : segments) {
      fs::path target = final_path.parent_path() / seg.filename();
      if (Status s = move_into_place(seg, target); !s) {
        for (const std::string& done : moved) fs::remove(done, ec);
        return s;
      }
      moved.push_back(target.string());
    }
    if (Status s = move_into_place(temp_output, final_path); !s) {
      for (const std::string& done : moved) fs::remove(done, ec);
      return s;
    }
    result.files.push_back(final_path.string());
    result.files.insert(result.files.end(), moved.begin(), moved.end());
  } else {
    if (!non_empty_file(temp_output)) return nothing_decoded(source_label);
    // A file ffprobe cannot read back (an mp4 without a single frame) is no result.
    auto written = probe_media(temp_output.string(),
                               ProbeOptions{config_.ffprobe, remaining(), config_.probe_engine});
    if (!written.ok()) {
      if (written.status().id() != "engine.decode") return written.status();
      return nothing_decoded(source_label);
    }
    result.metadata = metadata_json(written->summary);
    if (name == "video/snapshot") {
      if (auto w = snapshot_past_end(op, source->summary, fell_back)) {
        result.data["validation_warnings"] = nlohmann::json::array({*w});
      }
    }
    if (Status s = move_into_place(temp_output, final_path); !s) return s;
    result.files.push_back(final_path.string());
  }
  // Only the (now empty) temporary directory is left.
  guard.release();
  fs::remove_all(temp, ec);

  if (result.metadata.is_null()) {
    auto out = probe_media(result.files.front(),
                           ProbeOptions{config_.ffprobe, remaining(), config_.probe_engine});
    result.metadata = out.ok() ? metadata_json(out->summary) : nlohmann::json::object();
  }
  if (result.files.size() > 1) result.metadata["files"] = result.files.size();
  if (progress) progress(1.0);
  return result;
}

}  // namespace omm::local

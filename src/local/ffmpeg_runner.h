// FfmpegRunner: runs one video/audio/hls operation of the local backend with ffmpeg as a child
// process, probing through the probe engine worker or ffprobe children (docs/local-backend.md
// "FFmpeg").
//
// A job probes its inputs (unreadable input: `engine.decode`), builds the argument vector
// (ffmpeg_args.h), runs ffmpeg into a hidden temporary name in the output's directory
// (`.omm-part-…`, a file or, for video_snapshots and hls_m3u8, a directory) and moves the result
// into place only on success, file by file (hls: segments first, the playlist last). Progress is
// `out_time_us` against the expected output duration, reported as 0..1. Whatever ends a job
// early — failure, the time limit, cancellation — removes every partial file.
//
// Error ids: engine.decode, engine.ffmpeg (the message carries ffmpeg's last stderr lines),
// engine.crashed (ffmpeg was killed by a signal), engine.limit.duration (the job would read more
// media than FfmpegConfig::max_duration; checked from the probe before ffmpeg starts and from
// ffmpeg's progress while it runs),
// engine.timeout, engine.spawn, engine.unsupported, cancelled, local.io, and
// invalid_argument.<tool>.<param> for what only the media can tell (a start past the end;
// concat inputs that differ — see check_concat()).
//
// Thread-safety: run() is const and may run concurrently on several threads; a CancelToken
// is shared between the job's thread and the thread that cancels it.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/concat_rule.h"
#include "core/operation.h"
#include "core/status.h"
#include "local/media_probe.h"

namespace omm::local {

class ChildProcess;

struct FfmpegConfig {
  std::string ffmpeg = "ffmpeg";  // program names or paths
  std::string ffprobe = "ffprobe";
  ProbeEngine probe_engine{};  // the warm probe worker (media_probe.h); empty: ffprobe children
  std::chrono::milliseconds time_limit{std::chrono::hours(2)};  // per job, probing included
  // The longest span of media one job may read (expected_output_seconds() of its inputs, so
  // ss/t, num×inter and concat pieces count): longer jobs are refused before ffmpeg starts with
  // [engine.limit.duration]. A container header can lie about its duration, so the limit also
  // holds while ffmpeg runs: once its output time passes the limit (plus a second of slack)
  // the child is killed and the job fails the same way. 0: no limit (the local executor sets
  // it from --max-duration).
  std::chrono::seconds max_duration{0};
  // Called with the pid of every ffmpeg child right after it started (job recovery records
  // it). May be empty.
  std::function<void(int pid)> on_child;
};

// Cancels one job from another thread: cancel() kills the running child at once; the job then
// removes its partial files and returns `cancelled`. A token cancelled before the job starts
// stops it before anything runs. One token per job.
class CancelToken {
 public:
  void cancel();
  bool cancelled() const;

  // For the runner: registers the running child (false when the token is already cancelled)
  // and forgets it again once the child has been reaped.
  bool attach(ChildProcess* child);
  void detach();

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  ChildProcess* child_ = nullptr;
};

struct MediaJob {
  core::Operation op;               // one media operation (video_*, audio_*, hls_m3u8)
  std::string source;               // the input file
  std::string source_name;          // how messages name the source (default: its path)
  std::vector<std::string> inputs;  // concat: the file of op.inputs[i], same order
  // Where the result goes (absolute or relative to the working directory):
  //  - a file for single-output operations;
  //  - video_snapshots: the prefix; frames become `<output>_0_<n>.<f>`, n from 1;
  //  - hls_m3u8: the playlist; segments `<stem>_<n>.ts` are written beside it;
  //  - unused by video_info / audio_info.
  std::string output;
};

struct MediaResult {
  std::vector<std::string> files;  // produced files (frames in order; hls: the playlist first)
  nlohmann::json metadata;         // metadata_json() of the first output (info: of the input)
  nlohmann::json data;             // info: OSS's info shape; concat: {"validation_warnings":[…]}
};

using ProgressFn = std::function<void(double fraction)>;

class FfmpegRunner {
 public:
  explicit FfmpegRunner(FfmpegConfig config = {}) : config_(std::move(config)) {}
  const FfmpegConfig& config() const { return config_; }

  Result<MediaResult> run(const MediaJob& job, const ProgressFn& progress = {},
                          CancelToken* cancel = nullptr) const;

 private:
  FfmpegConfig config_;
};

// The concat rule (core/concat_rule.h).
using core::check_concat;

}  // namespace omm::local

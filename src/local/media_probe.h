// Media probing for the local backend: reads what `ffprobe -v error -print_format json
// -show_format -show_streams` reports — from the warm probe engine worker when one is given,
// else from an ffprobe child process — and turns it into
//  - OSS's video/info and audio/info shape (values are strings, as OSS sends them):
//    {"Format":{"Duration":"12.300000","Size":"1234","FormatName":"mov,mp4,m4a,3gp,3g2,mj2",
//               "BitRate":"…","NumberOfStreams":2},
//     "Streams":{"VideoStream":[{"Index":0,"CodecName":"h264","Width":160,"Height":120,
//                "FrameRate":"25/1","BitRate":"…","Duration":"…","PixelFormat":"yuv420p",
//                "Rotate":"90"?}],
//                "AudioStream":[{"Index":1,"CodecName":"aac","SampleRate":"44100",
//                "Channels":2,"BitRate":"…","Duration":"…"}]}}
//  - a MediaSummary (the first video and audio stream), used to build ffmpeg arguments, to
//    compute progress and to describe results (`metadata_json`);
//  - the concat comparison (DESIGN.md "Rules the core enforces": resolution, fps, video codec,
//    audio codec, sample rate, channels, whether audio is present).
// The conversion functions are pure; probe_media() asks the engine or runs ffprobe. All are
// thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/media_summary.h"
#include "core/status.h"

namespace omm::local {

// The pure conversions live in the core (core/media_summary.h), shared with the oss backend.
using core::image_kind;
using core::MediaSummary;
using core::metadata_json;
using core::oss_info;
using core::parse_rate;
using core::summarize;
using core::summarize_oss_info;
using core::webp_canvas;

// Where a probe's ffprobe-shaped JSON comes from: a warm probe engine worker
// (oss-media-engine-probe: {"input": path} → {"data": …}), when set; else an ffprobe child.
using ProbeEngine = std::function<Result<nlohmann::json>(const std::string& path)>;

struct ProbeOptions {
  std::string ffprobe = "ffprobe";
  std::chrono::milliseconds time_limit{30000};  // the ffprobe child's (the engine has its own)
  ProbeEngine engine{};                         // may be empty
};

struct ProbeResult {
  nlohmann::json ffprobe;  // ffprobe's own answer
  MediaSummary summary;
};

// Ids: engine.decode (the file cannot be read, or it has no audio/video stream),
// engine.timeout, engine.spawn; through the engine also engine.crashed, engine.limit.memory.
Result<ProbeResult> probe_media(const std::string& path, const ProbeOptions& options = {});

}  // namespace omm::local

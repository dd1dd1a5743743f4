// Pure mapping of one video/audio/hls operation to an ffmpeg argument vector, with OSS's
// semantics (seed_ops.md §4.3–4.5). No process is started here; FfmpegRunner runs the result.
//
// Every vector starts `ffmpeg -nostdin -hide_banner -loglevel error -y`; jobs that take long add
// `-progress pipe:1 -nostats`. Inputs are passed as `file:<path>` (a name is never read as an
// option or a protocol); outputs must be absolute paths.
//
// Choices where OSS documents no behaviour (docs/local-backend.md):
//  - `scaletype` with a WxH target: stretch (default) = exactly WxH; crop = cover then centre
//    crop; fill = fit inside then pad (black) to WxH; fit = fit inside, keeping the aspect ratio.
//  - video_convert without vcodec copies the video stream (remux); without acodec the audio is
//    copied in a remux and gets the container's default encoder otherwise. Audio-only
//    containers (mp3, aac, flac, oga, ac3, opus, amr) drop the video.
//  - video_snapshot past the end of the video gives the last frame (`-sseof` + `-update 1`).
//  - video_snapshots / video_sprite frame selection: `inter` = one frame every inter ms;
//    `num` alone (or m=avg) = num frames spread evenly over [ss, end); m=key = keyframes only;
//    m=dhash = scene changes above thr % (default 10).
//  - video_sprite renders one image of tw x th tiles (defaults 6x6, pad 2, margin 2).
//  - concat: inputs are scaled (fit + pad) to the baseline's resolution and resampled to its
//    fps / sample rate / channels (the request's s, fps, ar, ac win); the baseline is input
//    `align` in playing order, the source by default. A missing audio track becomes silence.
//  - hls_m3u8: always re-encodes (h264 by default) with a keyframe every `st` ms (default 10 s)
//    so segments are cut where asked; segments are `<playlist stem>_<n>.ts` next to it.
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/concat_rule.h"
#include "core/operation.h"
#include "core/plan.h"
#include "core/status.h"
#include "local/media_probe.h"

namespace omm::local {

// One input file as ffmpeg reads it.
struct ArgsInput {
  std::string path;
  MediaSummary media;              // from probe_media()
  std::optional<std::int64_t> ss;  // concat inputs: start, ms
  std::optional<std::int64_t> t;   // concat inputs: duration, ms
};

struct ArgsRequest {
  std::string ffmpeg = "ffmpeg";  // the program (argv[0])
  // inputs[0] is the source. Concat: every input in playing order (concat_order()).
  std::vector<ArgsInput> inputs;
  // The output file. video_snapshots: an image2 pattern (see frame_pattern()). hls_m3u8: the
  // playlist (segments are written next to it).
  std::string output;
  // video_snapshot: take the last frame (the runner retries with this when `t` lay past the
  // last frame and nothing was written). The last frame is searched in the final 3 s, or the
  // final 3 frame intervals of a sparse video (one frame a minute).
  bool last_frame = false;
  // video_snapshot: ignore m=fast (the runner's last try when the last keyframe lies before the
  // window searched for the last frame).
  bool exact = false;
};

// Ids: engine.unsupported (an op that is not a media op, or a codec this FFmpeg lacks),
// engine.decode (the input lacks the stream the op needs).
Result<std::vector<std::string>> ffmpeg_args(const core::Operation& op, const ArgsRequest& req);
// The plan's only operation.
Result<std::vector<std::string>> ffmpeg_args(const core::Plan& plan, const ArgsRequest& req);

// The playing order of a concat (core/concat_rule.h).
using core::concat_order;
using core::ConcatSlot;

// How long a span of the inputs the job reads, in seconds (0 when it cannot be known or, as for
// video_snapshot and the info operations, does not grow with the media): for progress and for
// the duration limit.
double expected_output_seconds(const core::Operation& op, std::span<const ArgsInput> inputs);

// Numbered frames of video_snapshots: `<prefix>_0_<n>.<ext>` with n from 1 — OSS appends
// "_0_1.jpg"-style sequence numbers to a target key without extension (seed_ops.md §4.3.5).
std::string frame_file_name(std::string_view prefix, int n, std::string_view ext);
// The image2 pattern that writes those names ('%' in the prefix escaped).
std::string frame_pattern(std::string_view prefix, std::string_view ext);
// HLS segment names next to playlist `<dir>/<stem>.m3u8`: `<stem>_<n>.ts`, n from 0.
std::string hls_segment_pattern(std::string_view playlist_path);

// Milliseconds as ffmpeg seconds: 1500 -> "1.500".
std::string ms_to_seconds(std::int64_t ms);

}  // namespace omm::local

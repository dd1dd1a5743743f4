// Catalog entries of the video operations and hls/m3u8 (seed_ops.md §4.3, §4.5). The OSS
// parameter tables of most video actions were not retrievable; where the docs are silent the
// ranges are the skill's reference values, marked [R] in the notes ([D] = OSS docs).
#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"
#include "core/op_catalog.h"
#include "core/operation.h"

namespace omm::core {

namespace {

using PT = ParamType;

constexpr std::string_view kContainers[] = {"mp4", "mkv", "mov",  "asf", "avi", "mxf",
                                            "ts",  "flv", "webm", "mp3", "aac", "flac",
                                            "oga", "ac3", "opus", "amr"};
constexpr std::string_view kVideoCodecs[] = {"copy", "h264", "h265", "vp9"};
constexpr std::string_view kHlsVideoCodecs[] = {"h264", "h265"};
constexpr std::string_view kAudioCodecs[] = {"copy", "mp3",  "aac", "flac", "vorbis",
                                             "ac3",  "opus", "pcm", "amr"};
constexpr std::string_view kScaleTypes[] = {"crop", "stretch", "fill", "fit"};
constexpr std::string_view kFrameFormats[] = {"jpg", "png"};
constexpr std::string_view kAnimationFormats[] = {"gif", "webp"};
constexpr std::string_view kFrameModes[] = {"inter", "key", "avg", "dhash"};
constexpr std::string_view kSnapshotModes[] = {"fast"};
constexpr std::string_view kSnapshotRotate[] = {"auto", "h", "w"};
constexpr std::string_view kPixelFormats[] = {"yuv420p",     "yuva420p", "yuv420p10le", "yuv422p",
                                              "yuv422p10le", "yuv444p",  "yuv444p10le"};
constexpr std::int64_t kZeroOne[] = {0, 1};
constexpr std::int64_t kOpt[] = {0, 1, 2};

constexpr ParamSpec kConvert[] = {
    {.name = "f",
     .type = PT::kEnum,
     .values = kContainers,
     .required = true,
     .note = "container [R]"},
    {.name = "vcodec",
     .type = PT::kEnum,
     .values = kVideoCodecs,
     .note = "video codec; omitted or copy = remux [R]"},
    {.name = "acodec", .type = PT::kEnum, .values = kAudioCodecs, .note = "audio codec [R]"},
    {.name = "s",
     .type = PT::kSize,
     .min = 64,
     .max = 4096,
     .even = true,
     .note = "resolution WxH, sides 64..4096 and even; needs vcodec [R]"},
    {.name = "fps",
     .type = PT::kDecimal,
     .min = 0,
     .max = 240,
     .note = "frame rate (decimals allowed, e.g. 29.97), 0 = keep; needs vcodec [D]"},
    {.name = "vb", .min = 10000, .max = 100000000, .note = "video bitrate, bps; needs vcodec [R]"},
    {.name = "ab", .min = 1000, .max = 10000000, .note = "audio bitrate, bps [R]"},
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms [R]"},
    {.name = "t", .min = 0, .max = kNoMax, .note = "duration, ms [R]"},
    {.name = "vn", .int_values = kZeroOne, .note = "1: drop video [R]"},
    {.name = "an", .int_values = kZeroOne, .note = "1: drop audio [R]"},
    {.name = "sn", .int_values = kZeroOne, .note = "1: drop subtitles [R]"},
    {.name = "scaletype", .type = PT::kEnum, .values = kScaleTypes, .note = "scaling [R]"},
    {.name = "videoslim", .int_values = kZeroOne, .note = "1: lightweight HD; needs vcodec [R]"},
    {.name = "crf",
     .type = PT::kDecimal,
     .min = 0,
     .max = 51,
     .note = "constant rate factor (decimals allowed); needs vcodec [D]"},
    {.name = "pixfmt", .type = PT::kEnum, .values = kPixelFormats, .note = "pixel format [D]"},
    {.name = "ar", .min = 1, .max = kNoMax, .note = "audio sample rate, Hz [R]"},
    {.name = "ac", .min = 1, .max = 8, .note = "audio channels [R]"},
    {.name = "fpsopt",
     .int_values = kOpt,
     .note = "source below fps: 0 use fps anyway, 1 keep the source's, 2 fail [D]"},
    {.name = "sopt",
     .int_values = kOpt,
     .note = "source below s: 0 use s anyway, 1 keep the source's, 2 fail [R]"},
    {.name = "vbopt",
     .int_values = kOpt,
     .note = "source below vb: 0 use vb anyway, 1 keep the source's, 2 fail [R]"},
    {.name = "abopt",
     .int_values = kOpt,
     .note = "source below ab: 0 use ab anyway, 1 keep the source's, 2 fail [R]"},
    {.name = "arotate", .int_values = kZeroOne, .note = "auto-rotate, default 1 [R]"},
    {.name = "g", .min = 1, .max = 100000, .note = "keyframe interval, frames; needs vcodec [D]"},
    {.name = "maxrate",
     .min = 10000,
     .max = 100000000,
     .note = "peak video bitrate, bps; needs vcodec [D]"},
    {.name = "bufsize",
     .min = 10000,
     .max = 200000000,
     .note = "rate-control buffer, bits; needs vcodec [D]"},
};

constexpr ParamSpec kSnapshot[] = {
    {.name = "t",
     .min = 0,
     .max = kNoMax,
     .required = true,
     .note = "time, ms; 0 = first frame; past the end = last frame [D]"},
    {.name = "w", .min = 0, .max = 16384, .note = "width, 0 = from h by aspect [D]"},
    {.name = "h", .min = 0, .max = 16384, .note = "height, 0 = from w; both 0 = original [D]"},
    {.name = "m",
     .type = PT::kEnum,
     .values = kSnapshotModes,
     .note = "fast: nearest keyframe before t; omitted: exact frame [D]"},
    {.name = "f",
     .type = PT::kEnum,
     .values = kFrameFormats,
     .required = true,
     .note = "format [D]"},
    {.name = "ar",
     .type = PT::kEnum,
     .values = kSnapshotRotate,
     .note = "rotate: auto by the video's rotation, h portrait, w landscape [D]"},
};

constexpr ParamSpec kAnimation[] = {
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms [R]"},
    {.name = "f", .type = PT::kEnum, .values = kAnimationFormats, .required = true, .note = "[R]"},
    {.name = "num", .min = 1, .max = kNoMax, .note = "frame count [R]"},
    {.name = "inter", .min = 1, .max = kNoMax, .note = "interval between frames, ms [R]"},
    {.name = "fps", .type = PT::kDecimal, .min = 0, .max = 240, .note = "frame rate [R]"},
    {.name = "w", .min = 32, .max = 4096, .note = "width [R]"},
    {.name = "h", .min = 32, .max = 4096, .note = "height [R]"},
    {.name = "scaletype", .type = PT::kEnum, .values = kScaleTypes, .note = "scaling [R]"},
    {.name = "t", .min = 1, .max = kNoMax, .note = "duration, ms (skill recipe) [R]"},
};

constexpr ParamSpec kSnapshots[] = {
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms [R]"},
    {.name = "f", .type = PT::kEnum, .values = kFrameFormats, .required = true, .note = "[R]"},
    {.name = "m", .type = PT::kEnum, .values = kFrameModes, .note = "frame selection [R]"},
    {.name = "num", .min = 1, .max = kNoMax, .note = "frame count [R]"},
    {.name = "inter", .min = 1, .max = kNoMax, .note = "interval, ms [R]"},
    {.name = "w", .min = 32, .max = 4096, .note = "width [R]"},
    {.name = "h", .min = 32, .max = 4096, .note = "height [R]"},
    {.name = "pw", .min = 1, .max = 200, .note = "width, percent of the source, (0, 200] [D]"},
    {.name = "ph", .min = 1, .max = 200, .note = "height, percent of the source, (0, 200] [D]"},
    {.name = "scaletype", .type = PT::kEnum, .values = kScaleTypes, .note = "scaling [R]"},
    {.name = "thr", .min = 0, .max = 100, .note = "dhash threshold [R]"},
};
constexpr KeyAlias kSnapshotsAliases[] = {{"interval", "inter"}};

constexpr ParamSpec kSprite[] = {
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms [R]"},
    {.name = "f", .type = PT::kEnum, .values = kFrameFormats, .required = true, .note = "[R]"},
    {.name = "m", .type = PT::kEnum, .values = kFrameModes, .note = "frame selection [R]"},
    {.name = "thr", .min = 0, .max = 100, .note = "dhash threshold [R]"},
    {.name = "num", .min = 1, .max = kNoMax, .note = "frame count (= tw x th) [R]"},
    {.name = "inter", .min = 1, .max = kNoMax, .note = "interval, ms [R]"},
    {.name = "sw", .min = 32, .max = 4096, .note = "tile width [R]"},
    {.name = "sh", .min = 32, .max = 4096, .note = "tile height [R]"},
    {.name = "psw",
     .min = 1,
     .max = 200,
     .note = "tile width, percent of the source, (0, 200]; ignored with sw [D]"},
    {.name = "psh",
     .min = 1,
     .max = 200,
     .note = "tile height, percent of the source, (0, 200]; ignored with sh [D]"},
    {.name = "scaletype", .type = PT::kEnum, .values = kScaleTypes, .note = "scaling [R]"},
    {.name = "tw", .min = 1, .max = 100, .note = "tiles per row, default 6 [R]"},
    {.name = "th", .min = 1, .max = 100, .note = "tiles per column, default 6 [R]"},
    {.name = "pad", .min = 0, .max = 100, .note = "gap between tiles, default 2 [R]"},
    {.name = "margin", .min = 0, .max = 100, .note = "border, default 2 [R]"},
};

constexpr ParamSpec kVideoConcat[] = {
    {.name = "f", .type = PT::kEnum, .values = kContainers, .required = true, .note = "[R]"},
    {.name = "vcodec", .type = PT::kEnum, .values = kVideoCodecs, .required = true, .note = "[R]"},
    {.name = "acodec", .type = PT::kEnum, .values = kAudioCodecs, .required = true, .note = "[R]"},
    {.name = "fps", .type = PT::kDecimal, .min = 0, .max = 240, .note = "frame rate [R]"},
    {.name = "vb", .min = 10000, .max = 100000000, .note = "video bitrate, bps [R]"},
    {.name = "ab", .min = 1000, .max = 10000000, .note = "audio bitrate, bps [R]"},
    {.name = "ar", .min = 1, .max = kNoMax, .note = "sample rate, Hz [R]"},
    {.name = "ac", .min = 1, .max = 8, .note = "channels [R]"},
    {.name = "s", .type = PT::kSize, .min = 64, .max = 4096, .even = true, .note = "WxH [R]"},
    {.name = "align", .min = 0, .max = kMaxConcatInputs, .note = "index of the baseline input [R]"},
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms (official example) [D]"},
};

constexpr std::string_view kPositions[] = {"pre", "sur"};
constexpr ParamSpec kConcatInput[] = {
    {.name = "key",
     .type = PT::kKey,
     .encoding = WireEncoding::kBase64,
     .required = true,
     .note = "plain object key in the same bucket; rendered o_<b64>"},
    {.name = "position",
     .type = PT::kEnum,
     .values = kPositions,
     .note = "pre: before the source, sur (default): after it"},
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms"},
    {.name = "t", .min = 0, .max = kNoMax, .note = "duration, ms"},
};

constexpr ParamSpec kHls[] = {
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms; 0 = beginning [D]"},
    {.name = "t", .min = 0, .max = kNoMax, .note = "duration, ms; 0 = to the end [D]"},
    {.name = "ta", .min = 1, .max = kNoMax, .note = "segments transcoded ahead [R]"},
    {.name = "st", .min = 1, .max = kNoMax, .note = "segment duration, ms [R]"},
    {.name = "initd", .min = 0, .max = kNoMax, .note = "initial buffering, ms [R]"},
    {.name = "vcodec", .type = PT::kEnum, .values = kHlsVideoCodecs, .note = "[R]"},
    {.name = "fps", .type = PT::kDecimal, .min = 0, .max = 240, .note = "frame rate [R]"},
    {.name = "fpsopt", .int_values = kOpt, .note = "[R]"},
    {.name = "pixfmt", .type = PT::kToken, .min = 1, .max = 32, .note = "pixel format [R]"},
    {.name = "s", .type = PT::kSize, .min = 64, .max = 4096, .even = true, .note = "WxH [R]"},
    {.name = "sopt", .int_values = kOpt, .note = "[R]"},
    {.name = "scaletype", .type = PT::kEnum, .values = kScaleTypes, .note = "[R]"},
    {.name = "arotate", .int_values = kZeroOne, .note = "[R]"},
    {.name = "vb", .min = 10000, .max = 100000000, .note = "video bitrate, bps [R]"},
    {.name = "vbopt", .int_values = kOpt, .note = "[R]"},
    {.name = "crf", .type = PT::kDecimal, .min = 0, .max = 51, .note = "[R]"},
    {.name = "maxrate", .min = 1, .max = kNoMax, .note = "bps [R]"},
    {.name = "bufsize", .min = 1, .max = kNoMax, .note = "bits [R]"},
    {.name = "an", .int_values = kZeroOne, .note = "1: drop audio [R]"},
    {.name = "acodec", .type = PT::kEnum, .values = kAudioCodecs, .note = "[R]"},
    {.name = "ar", .min = 1, .max = kNoMax, .note = "sample rate, Hz [R]"},
    {.name = "ac", .min = 1, .max = 8, .note = "channels [R]"},
    {.name = "aq", .min = 0, .max = 100, .note = "audio quality [R]"},
    {.name = "ab", .min = 1000, .max = 10000000, .note = "audio bitrate, bps [R]"},
    {.name = "abopt", .int_values = kOpt, .note = "[R]"},
};

// video/convert without vcodec (or with vcodec copy) only remuxes: OSS would silently ignore
// these, so they are refused.
Status check_convert(Operation& op, const ErrorScope& scope) {
  const Param* vcodec = op.find("vcodec");
  if (vcodec != nullptr && vcodec->as_text() != "copy") return Status::ok();
  for (std::string_view name : {"s", "fps", "vb", "videoslim", "crf", "g", "maxrate", "bufsize"}) {
    if (const Param* p = op.find(name)) {
      return scope.error(
          name, fmt::format("{} needs vcodec (h264, h265 or vp9): without it video/convert only "
                            "remuxes and would ignore {}={}",
                            name, name, p->plain()));
    }
  }
  return Status::ok();
}

Status check_sprite(Operation& op, const ErrorScope& scope) {
  if (!op.has("num") && !op.has("inter")) {
    return scope.error("num", "sprite needs num or inter (otherwise tiles stay black)");
  }
  return Status::ok();
}

OpSpec video(std::string_view name, std::string_view skill, std::string_view action,
             std::string_view tool, Category category, std::span<const ParamSpec> params,
             OpCheck check = nullptr, std::string_view rules = {}) {
  return OpSpec{.name = name,
                .skill_name = skill,
                .prefix = "video",
                .action = action,
                .tool = tool,
                .kind = OpKind::kMedia,
                .category = category,
                .params = params,
                .check = check,
                .rules = rules};
}

}  // namespace

std::span<const ParamSpec> concat_input_params() { return kConcatInput; }

std::span<const OpSpec> video_ops() {
  static const std::vector<OpSpec> kOps = [] {
    std::vector<OpSpec> ops = {
        video("video_convert", "video/convert", "convert", "video_transcode", Category::kAsync,
              kConvert, check_convert,
              "s, fps, vb, videoslim, crf, g, maxrate, bufsize need vcodec (not copy)"),
        video("video_snapshot", "video/snapshot", "snapshot", "video_snapshot", Category::kSync,
              kSnapshot),
        video("video_info", "video/info", "info", "media_info", Category::kSync, {}),
        video("video_animation", "video/animation", "animation", "video_animation",
              Category::kAsync, kAnimation),
        video("video_snapshots", "video/snapshots", "snapshots", "video_frames", Category::kAsync,
              kSnapshots, nullptr, "output.target_key without extension"),
        video("video_sprite", "video/sprite", "sprite", "video_sprite", Category::kAsync, kSprite,
              check_sprite, "num or inter required"),
        video("video_concat", "video/concat", "concat", "media_concat", Category::kAsync,
              kVideoConcat, nullptr, "1..10 inputs"),
        OpSpec{.name = "hls_m3u8",
               .skill_name = "hls/m3u8",
               .prefix = "hls",
               .action = "m3u8",
               .tool = "hls_playlist",
               .kind = OpKind::kMedia,
               .category = Category::kSync,
               .params = kHls,
               .rules = "output url only"},
    };
    ops[4].cli_aliases = kSnapshotsAliases;
    ops[6].takes_inputs = true;
    return ops;
  }();
  return kOps;
}

}  // namespace omm::core

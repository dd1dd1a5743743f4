// Catalog entries of the audio operations (seed_ops.md §4.4). The OSS parameter tables were not
// retrievable; ranges are the skill's reference values [R]; the flac-only bit depth is from
// the OSS audio transcoding page [D].
#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"
#include "core/op_catalog.h"
#include "core/operation.h"

namespace omm::core {
namespace {

using PT = ParamType;

constexpr std::string_view kAudioFormats[] = {"mp3", "aac", "flac", "oga", "ac3", "opus", "amr"};
constexpr std::int64_t kOpt[] = {0, 1, 2};
constexpr std::int64_t kDepths[] = {16, 24};

constexpr ParamSpec kConvert[] = {
    {.name = "ss", .min = 0, .max = kNoMax, .note = "start, ms [R]"},
    {.name = "t", .min = 0, .max = kNoMax, .note = "duration, ms [R]"},
    {.name = "f", .type = PT::kEnum, .values = kAudioFormats, .required = true, .note = "[R]"},
    {.name = "ar", .min = 1, .max = kNoMax, .note = "sample rate, Hz [R]"},
    {.name = "ac", .min = 1, .max = 8, .note = "channels [R]"},
    {.name = "aq", .min = 0, .max = 100, .note = "quality; not with ab [R]"},
    {.name = "ab", .min = 1000, .max = 10000000, .note = "bitrate, bps; not with aq [R]"},
    {.name = "abopt", .int_values = kOpt, .note = "0 exact, 1 only lower, 2 only higher [R]"},
    {.name = "adepth", .int_values = kDepths, .note = "bit depth, flac only [D]"},
};

constexpr ParamSpec kConcat[] = {
    {.name = "f", .type = PT::kEnum, .values = kAudioFormats, .required = true, .note = "[R]"},
    {.name = "ar", .min = 1, .max = kNoMax, .note = "sample rate, Hz [R]"},
    {.name = "ac", .min = 1, .max = 8, .note = "channels [R]"},
    {.name = "aq", .min = 0, .max = 100, .note = "quality; not with ab [R]"},
    {.name = "ab", .min = 1000, .max = 10000000, .note = "bitrate, bps; not with aq [R]"},
    {.name = "abopt", .int_values = kOpt, .note = "[R]"},
    {.name = "align", .min = 0, .max = kMaxConcatInputs, .note = "index of the baseline input [R]"},
    {.name = "adepth", .int_values = kDepths, .note = "bit depth, flac only [D]"},
};

Status check_audio(Operation& op, const ErrorScope& scope) {
  if (op.has("aq") && op.has("ab")) return scope.error("ab", "aq and ab are mutually exclusive");
  if (op.has("adepth")) {
    const Param* f = op.find("f");
    if (f == nullptr || f->as_text() != "flac") {
      return scope.error("adepth", fmt::format("adepth is only allowed with f=flac, got f={}",
                                               f == nullptr ? "(none)" : f->as_text()));
    }
  }
  return Status::ok();
}

OpSpec audio(std::string_view name, std::string_view skill, std::string_view action,
             std::string_view tool, Category category, std::span<const ParamSpec> params,
             OpCheck check) {
  return OpSpec{.name = name,
                .skill_name = skill,
                .prefix = "audio",
                .action = action,
                .tool = tool,
                .kind = OpKind::kMedia,
                .category = category,
                .params = params,
                .check = check,
                .rules = check != nullptr ? "aq and ab exclusive; adepth only with f=flac" : ""};
}

}  // namespace

std::span<const OpSpec> audio_ops() {
  static const std::vector<OpSpec> kOps = [] {
    std::vector<OpSpec> ops = {
        audio("audio_convert", "audio/convert", "convert", "audio_transcode", Category::kAsync,
              kConvert, check_audio),
        audio("audio_concat", "audio/concat", "concat", "media_concat", Category::kAsync, kConcat,
              check_audio),
        audio("audio_info", "audio/info", "info", "media_info", Category::kSync, {}, nullptr),
    };
    ops[1].takes_inputs = true;
    return ops;
  }();
  return kOps;
}

}  // namespace omm::core

// The concat rule (DESIGN.md "Rules the core enforces"), the same on both backends: every input
// (pre and sur) is compared on resolution, fps, video codec, audio codec, sample rate, channels
// and whether audio is present (audio/concat: the audio properties). A difference is an error
// listing each input's value — the agent asks the user which to align to — unless the request
// fixes that property (s, fps, vcodec, acodec, ar, ac) or sets align; then it is a warning.
// The local backend compares what its probes read, the oss backend OSS's video/info answers.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/media_summary.h"
#include "core/operation.h"
#include "core/status.h"

namespace omm::core {

// Where each concat piece comes from, in playing order: the /pre inputs in the order given,
// the source, then the /sur inputs. `input` indexes op.inputs; -1 is the source.
struct ConcatSlot {
  int input = -1;
  std::optional<std::int64_t> ss;
  std::optional<std::int64_t> t;
};
std::vector<ConcatSlot> concat_order(const Operation& op);

// One property that differs between concat inputs, with every input's value in input order
// ("?" without video, "none" without audio; such inputs count only for has_audio). `param`
// names the request parameter that fixes it ("s", "fps", "vcodec", "acodec", "ar", "ac"; ""
// for has_audio, which no parameter fixes).
struct PropertyDiff {
  std::string property;  // "resolution", "fps", "video_codec", "audio_codec", "sample_rate",
                         // "channels", "has_audio"
  std::string param;
  std::vector<std::string> values;
};
// The properties on which `inputs` disagree, in the order listed above. `audio_only` compares
// the audio properties only (audio/concat).
std::vector<PropertyDiff> compare_concat_inputs(std::span<const MediaSummary> inputs,
                                                bool audio_only);

// The concat rule (DESIGN.md "Rules the core enforces"): inputs (in playing order, named by
// `names`) that differ in a property are an error listing every input's value
// (invalid_argument.media_concat.inputs), unless the request fixes that property (s, fps,
// vcodec, acodec, ar, ac) or sets align — then each difference is a warning, returned.
// Whether audio is present is fixed by align only (the gaps then become silence).
Result<std::vector<std::string>> check_concat(const Operation& op,
                                              std::span<const MediaSummary> inputs,
                                              std::span<const std::string> names);

}  // namespace omm::core

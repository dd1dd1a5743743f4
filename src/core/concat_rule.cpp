#include "core/concat_rule.h"

#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"

namespace omm::core {

std::vector<ConcatSlot> concat_order(const Operation& op) {
  std::vector<ConcatSlot> slots;
  for (std::size_t i = 0; i < op.inputs.size(); ++i) {
    const ConcatInput& in = op.inputs[i];
    if (in.position == Position::kPre) slots.push_back({static_cast<int>(i), in.ss, in.t});
  }
  slots.push_back({-1, std::nullopt, std::nullopt});
  for (std::size_t i = 0; i < op.inputs.size(); ++i) {
    const ConcatInput& in = op.inputs[i];
    if (in.position == Position::kSur) slots.push_back({static_cast<int>(i), in.ss, in.t});
  }
  return slots;
}

std::vector<PropertyDiff> compare_concat_inputs(std::span<const MediaSummary> inputs,
                                                bool audio_only) {
  struct Prop {
    const char* property;
    const char* param;
    bool video;
    std::string (*value)(const MediaSummary&);
  };
  static const Prop kProps[] = {
      {"resolution", "s", true,
       [](const MediaSummary& m) {
         return m.has_video ? fmt::format("{}x{}", m.width, m.height) : std::string("?");
       }},
      {"fps", "fps", true,
       [](const MediaSummary& m) { return m.has_video ? m.frame_rate : std::string("?"); }},
      {"video_codec", "vcodec", true,
       [](const MediaSummary& m) { return m.has_video ? m.video_codec : std::string("?"); }},
      {"audio_codec", "acodec", false,
       [](const MediaSummary& m) { return m.has_audio ? m.audio_codec : std::string("none"); }},
      {"sample_rate", "ar", false,
       [](const MediaSummary& m) {
         return m.has_audio ? std::to_string(m.sample_rate) : std::string("none");
       }},
      {"channels", "ac", false,
       [](const MediaSummary& m) {
         return m.has_audio ? std::to_string(m.channels) : std::string("none");
       }},
      {"has_audio", "", false,
       [](const MediaSummary& m) { return std::string(m.has_audio ? "true" : "false"); }},
  };
  std::vector<PropertyDiff> diffs;
  if (inputs.size() < 2) return diffs;
  for (const Prop& p : kProps) {
    if (audio_only && p.video) continue;
    PropertyDiff d{p.property, p.param, {}};
    for (const MediaSummary& m : inputs) d.values.push_back(p.value(m));
    // Inputs without the stream ("?", "none") differ only in has_audio.
    const std::string* first = nullptr;
    bool differ = false;
    for (const std::string& v : d.values) {
      if (v == "?" || v == "none") continue;
      if (first == nullptr) first = &v;
      differ = differ || v != *first;
    }
    if (differ) diffs.push_back(std::move(d));
  }
  return diffs;
}

Result<std::vector<std::string>> check_concat(const Operation& op,
                                              std::span<const MediaSummary> inputs,
                                              std::span<const std::string> names) {
  bool audio_only = op.spec->name == "audio_concat";
  bool align = op.has("align");
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  for (const PropertyDiff& d : compare_concat_inputs(inputs, audio_only)) {
    std::vector<std::string> listed;
    for (std::size_t i = 0; i < d.values.size(); ++i) {
      listed.push_back(
          fmt::format("{}={}", i < names.size() ? names[i] : std::to_string(i), d.values[i]));
    }
    std::string text = fmt::format("{} differs: {}", d.property, fmt::join(listed, ", "));
    bool fixed = align || (!d.param.empty() && op.has(d.param));
    (fixed ? warnings : errors).push_back(std::move(text));
  }
  if (!errors.empty()) {
    return ErrorScope::for_op(*op.spec).error(
        "inputs", fmt::format("the inputs differ ({}); choose the input to align to (align) or set "
                              "the property explicitly (s, fps, vcodec, acodec, ar, ac)",
                              fmt::join(errors, "; ")));
  }
  return warnings;
}

}  // namespace omm::core

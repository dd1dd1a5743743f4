// Catalog entries of the image operations that are not basic: blindwatermark embed (last in an
// image_process chain), info and average-hue (image_inspect), the six detections
// (image_detect) and blindwatermark extract (image_watermark_extract, through IMM).
//
// The embed renders `blindwatermark,content_<b64>,s_<level>` (DESIGN.md); that syntax is not
// verified against the service (the skill sent bare strength_* tokens, a third-party client
// uses s_). The strength defaults to low, as in the skill, and is always rendered so the
// string records what an extract must use.
#include "core/error_scope.h"
#include "core/op_catalog.h"
#include "core/operation.h"

namespace omm::core {
namespace {

using PT = ParamType;

constexpr std::string_view kStrengths[] = {"low", "medium", "high"};

constexpr ParamSpec kEmbed[] = {
    {.name = "content",
     .type = PT::kText,
     .min = 1,
     .max = 256,
     .encoding = WireEncoding::kBase64,
     .required = true,
     .chars = true,
     .note = "watermark text, at most 256 characters (IMM blind watermark limits)"},
    {.name = "s",
     .type = PT::kEnum,
     .values = kStrengths,
     .note = "strength, default low (skill); the extract must use the same level"},
};

constexpr ParamSpec kExtract[] = {
    {.name = "s",
     .type = PT::kEnum,
     .values = kStrengths,
     .note = "StrengthLevel of IMM CreateDecodeBlindWatermarkTask; must match the embed"},
};

Status check_embed(Operation& op, const ErrorScope&) {
  if (!op.has("s")) op.params.push_back(Param{&kEmbed[1], std::string("low")});
  return Status::ok();
}

OpSpec inspect(std::string_view name) {
  return OpSpec{.name = name,
                .skill_name = name,
                .prefix = "image",
                .action = name,
                .tool = "image_inspect",
                .kind = OpKind::kInspect,
                .category = Category::kSync};
}

OpSpec detect(std::string_view name) {
  return OpSpec{.name = name,
                .skill_name = name,
                .prefix = "image",
                .action = name,
                .tool = "image_detect",
                .kind = OpKind::kDetect,
                .category = Category::kSync};
}

}  // namespace

std::span<const OpSpec> image_ai_ops() {
  static const OpSpec kOps[] = {
      OpSpec{.name = "blindwatermark",
             .skill_name = "blindwatermark-embed",
             .prefix = "image",
             .action = "blindwatermark",
             .tool = "image_process",
             .kind = OpKind::kEmbed,
             .category = Category::kSync,
             .params = kEmbed,
             .check = check_embed,
             .rules = "last operation of an image_process chain; output url refused"},
      inspect("info"),
      inspect("average-hue"),
      detect("faces"),
      detect("bodies"),
      detect("cars"),
      detect("codes"),
      detect("labels"),
      detect("score"),
      OpSpec{.name = "blindwatermark-extract",
             .skill_name = "blindwatermark-extract",
             .prefix = "",
             .action = "blindwatermark-extract",
             .tool = "image_watermark_extract",
             .kind = OpKind::kExtract,
             .category = Category::kAsync,
             .params = kExtract,
             .rules = "runs through IMM CreateDecodeBlindWatermarkTask; no process string"},
  };
  return kOps;
}

}  // namespace omm::core

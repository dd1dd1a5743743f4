// Catalog entries of the basic image operations of image_process (seed_ops.md §4.1). The
// watermark lives in ops_watermark.cpp; embed, inspect, detect and extract in ops_image_ai.cpp.
#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"
#include "core/op_catalog.h"
#include "core/operation.h"

namespace omm::core {

const OpSpec& watermark_op();
std::span<const OpSpec> image_ai_ops();

namespace {

using PT = ParamType;

constexpr std::string_view kResizeModes[] = {"lfit", "mfit", "fill", "pad", "fixed"};
constexpr std::int64_t kZeroOne[] = {0, 1};
constexpr std::int64_t kFlipValues[] = {0, 1, 2};
constexpr std::string_view kCropGravity[] = {"nw", "north", "ne", "west", "center", "east",
                                             "sw", "south", "se", "auto", "face"};
constexpr ValueAlias kGravityShort[] = {
    {"n", "north"}, {"w", "west"}, {"c", "center"}, {"e", "east"}, {"s", "south"}};
constexpr std::string_view kFormats[] = {"jpg", "png",  "webp", "bmp",
                                         "gif", "tiff", "heic", "avif"};
constexpr ValueAlias kFormatAliases[] = {{"jpeg", "jpg"}};
constexpr std::string_view kBlurGravity[] = {"face", "faces"};

constexpr ParamSpec kResize[] = {
    {.name = "w", .min = 1, .max = 16384, .note = "target width, px [D]"},
    {.name = "h", .min = 1, .max = 16384, .note = "target height, px [D]"},
    {.name = "l", .min = 1, .max = 16384, .note = "target longer side, px [D]"},
    {.name = "s", .min = 1, .max = 16384, .note = "target shorter side, px [D]"},
    {.name = "p", .min = 1, .max = 1000, .note = "scale percent; >100 enlarges [D]"},
    {.name = "m", .type = PT::kEnum, .values = kResizeModes, .note = "mode, default lfit [D]"},
    {.name = "limit", .int_values = kZeroOne, .note = "1 (default): never enlarge; 0: allow [D]"},
    {.name = "color", .type = PT::kColor, .note = "pad colour, RGB hex, default FFFFFF [D]"},
};
constexpr KeyAlias kResizeAliases[] = {{"mode", "m"}};

constexpr ParamSpec kCrop[] = {
    {.name = "w", .min = 0, .max = 30000, .note = "[0, image width]; default: to the edge [D]"},
    {.name = "h", .min = 0, .max = 30000, .note = "[0, image height]; default: to the edge [D]"},
    {.name = "x", .min = 0, .max = 30000, .note = "origin x from the anchor [D]"},
    {.name = "y", .min = 0, .max = 30000, .note = "origin y from the anchor [D]"},
    {.name = "g",
     .type = PT::kEnum,
     .values = kCropGravity,
     .aliases = kGravityShort,
     .note = "anchor, default nw [D]; auto and face need IMM (skill reference)"},
    {.name = "p", .min = 1, .max = 200, .note = "zoom percent, only with g=face (skill reference)"},
};

constexpr ParamSpec kIndexcrop[] = {
    {.name = "x", .min = 1, .max = 30000, .note = "slice width along x [D]"},
    {.name = "y", .min = 1, .max = 30000, .note = "slice height along y [D]"},
    {.name = "i", .min = 0, .max = 30000, .note = "0-based slice index, default 0 [D]"},
};

constexpr ParamSpec kRotate[] = {
    {.name = "value", .min = 0, .max = 360, .required = true, .note = "clockwise degrees [D]"}};
constexpr KeyAlias kRotateAliases[] = {{"angle", "value"}, {"degree", "value"}};

constexpr ParamSpec kFlip[] = {{.name = "value",
                                .int_values = kFlipValues,
                                .required = true,
                                .note = "0 vertical, 1 horizontal, 2 both (skill reference)"}};
constexpr KeyAlias kVAlias[] = {{"v", "value"}};

constexpr ParamSpec kQuality[] = {
    {.name = "q", .min = 1, .max = 100, .note = "relative quality, percent of the source [D]"},
    {.name = "Q", .min = 1, .max = 100, .note = "absolute quality [D]"},
};

constexpr ParamSpec kFormat[] = {{.name = "value",
                                  .type = PT::kEnum,
                                  .values = kFormats,
                                  .aliases = kFormatAliases,
                                  .required = true,
                                  .note = "output format [D]; jpeg is sent as jpg"}};
constexpr KeyAlias kFormatKeyAliases[] = {{"target", "value"}};

constexpr ParamSpec kInterlace[] = {
    {.name = "value", .int_values = kZeroOne, .required = true, .note = "1: progressive JPEG"}};
constexpr KeyAlias kInterlaceAliases[] = {{"mode", "value"}};

constexpr ParamSpec kBlur[] = {
    {.name = "r", .min = 1, .max = 50, .required = true, .note = "radius [D]"},
    {.name = "s", .min = 1, .max = 50, .required = true, .note = "sigma [D]"},
    {.name = "g",
     .type = PT::kEnum,
     .values = kBlurGravity,
     .note = "face: largest face, faces: all faces; needs IMM [D]"},
    {.name = "p",
     .min = 1,
     .max = 200,
     .note = "blurred area, percent of the face, only with g [D]"},
};

constexpr ParamSpec kSharpen[] = {
    {.name = "value", .min = 50, .max = 399, .required = true, .note = "100 recommended [D]"}};
constexpr ParamSpec kBright[] = {
    {.name = "value", .min = -100, .max = 100, .required = true, .note = "0 = unchanged [D]"}};
constexpr ParamSpec kContrast[] = {
    {.name = "value", .min = -100, .max = 100, .required = true, .note = "0 = unchanged [D]"}};
constexpr ParamSpec kAutoOrient[] = {
    {.name = "value", .int_values = kZeroOne, .note = "default 1 (sent when omitted) [D]"}};
constexpr ParamSpec kCircle[] = {
    {.name = "r", .min = 1, .max = 4096, .required = true, .note = "radius, px [D]"}};
constexpr ParamSpec kRounded[] = {
    {.name = "r", .min = 1, .max = 4096, .required = true, .note = "corner radius, px [X]"}};

// OSS: "缩放后图片宽或高不能超过16,384 px，且总像素不能超过16,777,216 px" (resize-images-4).
inline constexpr std::int64_t kMaxResizedPixels = 16777216;

Status check_resize(Operation& op, const ErrorScope& scope) {
  if (!op.has("w") && !op.has("h") && !op.has("l") && !op.has("s") && !op.has("p")) {
    return scope.error("w", "resize needs at least one of w, h, l, s, p");
  }
  // fixed, fill and pad give exactly w x h: a box over the limit can only fail at OSS.
  const Param* m = op.find("m");
  const Param* w = op.find("w");
  const Param* h = op.find("h");
  if (m != nullptr && w != nullptr && h != nullptr && m->as_text() != "lfit" &&
      m->as_text() != "mfit" && w->as_int() * h->as_int() > kMaxResizedPixels) {
    return scope.error(
        "w", fmt::format("resize m={} outputs w x h = {} x {} = {} pixels; OSS allows at most "
                         "16777216 (e.g. 4096 x 4096)",
                         m->as_text(), w->as_int(), h->as_int(), w->as_int() * h->as_int()));
  }
  return Status::ok();
}

Status check_crop(Operation& op, const ErrorScope& scope) {
  if (op.params.empty()) {
    return scope.error("w", "crop needs at least one of w, h, x, y, g");
  }
  if (const Param* p = op.find("p")) {
    const Param* g = op.find("g");
    if (g == nullptr || g->as_text() != "face") {
      return scope.error("p", fmt::format("p is only allowed with g=face, got p={}", p->as_int()));
    }
  }
  return Status::ok();
}

Status check_indexcrop(Operation& op, const ErrorScope& scope) {
  bool x = op.has("x");
  bool y = op.has("y");
  if (!x && !y) return scope.error("x", "indexcrop needs x or y");
  if (x && y) return scope.error("y", "indexcrop takes x or y, not both");
  return Status::ok();
}

Status check_quality(Operation& op, const ErrorScope& scope) {
  bool rel = op.has("q");
  bool abs = op.has("Q");
  if (!rel && !abs) return scope.error("q", "quality needs q (relative) or Q (absolute)");
  if (rel && abs) return scope.error("Q", "quality takes q (relative) or Q (absolute), not both");
  return Status::ok();
}

Status check_blur(Operation& op, const ErrorScope& scope) {
  if (const Param* p = op.find("p"); p != nullptr && !op.has("g")) {
    return scope.error(
        "p", fmt::format("p is only allowed with g (face or faces), got p={}", p->as_int()));
  }
  return Status::ok();
}

Status check_auto_orient(Operation& op, const ErrorScope&) {
  if (!op.has("value")) op.params.push_back(Param{&kAutoOrient[0], std::int64_t{1}});
  return Status::ok();
}

OpSpec basic(std::string_view name, std::span<const ParamSpec> params,
             std::span<const KeyAlias> aliases = {}, OpCheck check = nullptr,
             std::string_view rules = {}, bool value_only = false) {
  return OpSpec{.name = name,
                .skill_name = name,
                .prefix = "image",
                .action = name,
                .tool = "image_process",
                .kind = OpKind::kBasic,
                .category = Category::kSync,
                .value_only = value_only,
                .params = params,
                .cli_aliases = aliases,
                .check = check,
                .rules = rules};
}

OpSpec value_op(std::string_view name, std::span<const ParamSpec> params,
                std::span<const KeyAlias> aliases, OpCheck check = nullptr) {
  return basic(name, params, aliases, check, {}, true);
}

}  // namespace

std::span<const OpSpec> image_ops() {
  static const std::vector<OpSpec> kOps = [] {
    std::vector<OpSpec> ops = {
        basic("resize", kResize, kResizeAliases, check_resize, "at least one of w, h, l, s, p"),
        basic("crop", kCrop, {}, check_crop, "at least one parameter; p only with g=face"),
        basic("indexcrop", kIndexcrop, {}, check_indexcrop, "exactly one of x, y"),
        value_op("rotate", kRotate, kRotateAliases),
        value_op("flip", kFlip, kVAlias),
        basic("quality", kQuality, {}, check_quality, "exactly one of q, Q"),
        value_op("format", kFormat, kFormatKeyAliases),
        value_op("interlace", kInterlace, kInterlaceAliases),
        watermark_op(),
        basic("blur", kBlur, {}, check_blur, "r and s required; p only with g"),
        value_op("sharpen", kSharpen, kVAlias),
        value_op("bright", kBright, kVAlias),
        value_op("contrast", kContrast, kVAlias),
        value_op("auto-orient", kAutoOrient, kVAlias, check_auto_orient),
        basic("circle", kCircle),
        basic("rounded-corners", kRounded),
    };
    for (const OpSpec& op : image_ai_ops()) ops.push_back(op);
    return ops;
  }();
  return kOps;
}

}  // namespace omm::core

// Catalog entry of the watermark operation (seed_ops.md §4.1.10, the official OSS tables:
// basic, image, text, mixed — rendered in that order) and its cross-parameter rules.
//
// Wire decisions (DESIGN.md): the skill's `tile` means OSS `fill` (it sent `P_`); `shadow` is an
// integer 0..100 (the skill base64-encoded a JSON blob); no default font is injected; the
// undocumented rw, rh, aw, ah are refused. `preprocess` is folded into the image key as
// "<key>?x-oss-process=image/<actions>" and never rendered on its own.
#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"
#include "core/op_builder.h"
#include "core/op_catalog.h"
#include "core/operation.h"
#include "core/wire_parser.h"

namespace omm::core {
namespace {

using PT = ParamType;

constexpr std::string_view kGravity[] = {"nw",   "north", "ne",    "west", "center",
                                         "east", "sw",    "south", "se"};
constexpr ValueAlias kGravityShort[] = {
    {"n", "north"}, {"w", "west"}, {"c", "center"}, {"e", "east"}, {"s", "south"}};
constexpr std::int64_t kZeroOne[] = {0, 1};
constexpr std::int64_t kAlign[] = {0, 1, 2};
constexpr std::string_view kFonts[] = {"wqy-zenhei",       "wqy-microhei",   "fangzhengshusong",
                                       "fangzhengkaiti",   "fangzhengheiti", "fangzhengfangsong",
                                       "droidsansfallback"};

constexpr ParamSpec kWatermark[] = {
    // basic
    {.name = "t", .min = 0, .max = 100, .note = "opacity, default 100 [D]"},
    {.name = "g",
     .type = PT::kEnum,
     .values = kGravity,
     .aliases = kGravityShort,
     .note = "position, default se [D]"},
    {.name = "x", .min = 0, .max = 4096, .note = "horizontal margin, default 10 [D]"},
    {.name = "y", .min = 0, .max = 4096, .note = "vertical margin, default 10 [D]"},
    {.name = "voffset", .min = -1000, .max = 1000, .note = "offset from the centre line [D]"},
    {.name = "fill", .int_values = kZeroOne, .note = "1: tile over the image [D]"},
    {.name = "padx", .min = 0, .max = 4096, .note = "gap between tiles, only with fill=1 [D]"},
    {.name = "pady", .min = 0, .max = 4096, .note = "gap between tiles, only with fill=1 [D]"},
    // image
    {.name = "image",
     .type = PT::kKey,
     .encoding = WireEncoding::kBase64,
     .note = "object key of the mark in the same bucket [D]"},
    {.name = "preprocess",
     .type = PT::kPreprocess,
     .min = 1,
     .max = 512,
     .note = "actions applied to the mark (resize, crop, indexcrop, rounded-corners, rotate; "
             "P_ inside resize); folded into image [D]"},
    // text
    {.name = "text",
     .type = PT::kText,
     .min = 1,
     .max = 64,
     .encoding = WireEncoding::kBase64,
     .note = "text, at most 64 bytes [D]"},
    {.name = "type",
     .type = PT::kEnum,
     .values = kFonts,
     .encoding = WireEncoding::kBase64,
     .note = "font, OSS default wqy-zenhei; none is injected [D]"},
    {.name = "color", .type = PT::kColor, .note = "text colour, default 000000 [D]"},
    {.name = "size", .min = 1, .max = 1000, .note = "text size, px, default 40 [D]"},
    {.name = "shadow", .min = 0, .max = 100, .note = "shadow opacity, 0 = none [D]"},
    {.name = "rotate", .min = 0, .max = 360, .note = "text rotation, clockwise degrees [D]"},
    // image + text
    {.name = "order", .int_values = kZeroOne, .note = "0: image first (default), 1: text [D]"},
    {.name = "align", .int_values = kAlign, .note = "0 top, 1 middle, 2 bottom (default) [D]"},
    {.name = "interval", .min = 0, .max = 1000, .note = "gap between image and text [D]"},
};
constexpr KeyAlias kAliases[] = {{"opacity", "t"}, {"tile", "fill"}};

constexpr std::string_view kPreprocessActions[] = {"resize", "crop", "indexcrop", "rounded-corners",
                                                   "rotate"};

bool is_allowed_action(std::string_view action) {
  for (std::string_view a : kPreprocessActions) {
    if (a == action) return true;
  }
  return false;
}

// One preprocess action with its parameters checked against the image operation of that name
// (each its own ranges: rotate 0..360, crop w ≤ 30000, …). resize may also take P_ (1..100, the
// watermark's size as a percentage of the main image), which only exists here.
Status check_preprocess_action(std::string_view action, const ErrorScope& scope) {
  std::string text(action);
  auto refuse = [&](const std::string& why) {
    return scope.error("preprocess",
                       fmt::format("preprocess action {}: {}", quote_text(action), why));
  };
  if (text.rfind("resize,", 0) == 0) {
    std::string kept = "resize";
    bool had_percent = false;
    std::size_t start = 7;
    while (start <= text.size()) {
      std::size_t end = std::min(text.find(',', start), text.size());
      std::string_view part = std::string_view(text).substr(start, end - start);
      if (part.rfind("P_", 0) == 0) {
        std::string_view digits = part.substr(2);
        bool ok = !digits.empty() && digits.size() <= 3 &&
                  digits.find_first_not_of("0123456789") == std::string_view::npos;
        int value = ok ? std::stoi(std::string(digits)) : 0;
        if (!ok || value < 1 || value > 100) {
          return refuse(fmt::format("P must be 1..100 (percent of the main image), got {}",
                                    quote_text(digits)));
        }
        had_percent = true;
      } else {
        kept += "," + std::string(part);
      }
      start = end + 1;
    }
    if (kept == "resize" && had_percent) return Status::ok();
    text = kept;
  }
  Result<WireProcess> wire = parse_wire_process("image/" + text);
  if (!wire.ok()) return refuse(wire.status().message());
  for (const RawOp& raw : wire->ops) {
    Result<Operation> op = build_operation(raw);
    if (!op.ok()) return refuse(op.status().message());
  }
  return Status::ok();
}

// Checks "resize,P_30/rotate,90" (also with '+' between actions, as the skill wrote it) and
// returns it with '/' separators.
Result<std::string> normalise_preprocess(std::string text, const ErrorScope& scope) {
  for (char& c : text) {
    if (c == '+') c = '/';
  }
  if (text.rfind("image/", 0) == 0) text.erase(0, 6);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    std::string_view action = std::string_view(text).substr(start, end - start);
    std::string_view name = action.substr(0, action.find(','));
    bool chars_ok = !action.empty();
    for (char c : action) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == ',' || c == '-';
      chars_ok = chars_ok && ok;
    }
    if (!chars_ok || !is_allowed_action(name)) {
      return scope.error("preprocess",
                         fmt::format("preprocess actions must be {} (joined by '/' or '+'), got {}",
                                     join(kPreprocessActions), quote_text(action)));
    }
    if (Status s = check_preprocess_action(action, scope); !s) return s;
    start = end + 1;
  }
  return text;
}

Status check_watermark(Operation& op, const ErrorScope& scope) {
  bool text = op.has("text");
  bool image = op.has("image");
  if (!text && !image) return scope.error("text", "watermark needs text or image (or both)");
  if (!text) {
    for (std::string_view name : {"type", "color", "size", "shadow", "rotate"}) {
      if (op.has(name)) {
        return scope.error(name,
                           fmt::format("{} applies to text watermarks; text is missing", name));
      }
    }
  }
  if (!(text && image)) {
    for (std::string_view name : {"order", "align", "interval"}) {
      if (op.has(name)) {
        return scope.error(name, fmt::format("{} needs both text and image", name));
      }
    }
  }
  const Param* fill = op.find("fill");
  if (fill == nullptr || fill->as_int() != 1) {
    for (std::string_view name : {"padx", "pady"}) {
      if (op.has(name)) return scope.error(name, fmt::format("{} needs fill=1", name));
    }
  }
  if (const Param* pre = op.find("preprocess")) {
    if (!image) return scope.error("preprocess", "preprocess needs image");
    Result<std::string> actions = normalise_preprocess(pre->as_text(), scope);
    if (!actions.ok()) return actions.status();
    for (Param& p : op.params) {
      if (p.name() == "image") p.value = p.as_text() + "?x-oss-process=image/" + *actions;
    }
    op.erase("preprocess");
  }
  return Status::ok();
}

}  // namespace

const OpSpec& watermark_op() {
  static const OpSpec kOp{
      .name = "watermark",
      .skill_name = "watermark",
      .prefix = "image",
      .action = "watermark",
      .tool = "image_process",
      .kind = OpKind::kBasic,
      .category = Category::kSync,
      .params = kWatermark,
      .cli_aliases = kAliases,
      .check = check_watermark,
      .rules =
          "text or image required; type, color, size, shadow, rotate need text; order, "
          "align, interval need text and image; padx, pady need fill=1; preprocess needs "
          "image"};
  return kOp;
}

}  // namespace omm::core

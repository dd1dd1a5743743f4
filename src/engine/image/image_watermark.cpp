// The watermark operation (reference/seed_ops.md §4.1.10): text marks rendered with the Debian
// CJK fonts, image marks (with their preprocess actions), both combined (order, align,
// interval), placed by g/x/y/voffset or tiled (fill, padx, pady), with opacity t.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using nlohmann::json;
using vips::VImage;

namespace {

struct Font {
  const char* oss_name;
  const char* family;
  const char* file;
};

// OSS font names that Debian ships; the FangZheng faces have no Debian package and fall back to
// wqy-zenhei, OSS's default.
constexpr Font kFonts[] = {
    {"wqy-zenhei", "WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"},
    {"wqy-microhei", "WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"},
    {"droidsansfallback", "Droid Sans Fallback",
     "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"},
};

const Font& font_for(const std::string& type) {
  for (const Font& f : kFonts) {
    if (type == f.oss_name && std::filesystem::exists(f.file)) return f;
  }
  return kFonts[0];
}

std::string markup_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

VImage solid_rgba(const VImage& coverage, const std::vector<double>& rgb, double opacity) {
  VImage colour = coverage.new_from_image(rgb).copy(
      VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  return colour.bandjoin((coverage * opacity).cast(VIPS_FORMAT_UCHAR));
}

VImage rotate_rgba(const VImage& mark, int deg) {
  deg %= 360;
  if (deg == 0) return mark;
  VImage out = mark.premultiply().rotate(
      deg, VImage::option()->set("background", std::vector<double>{0, 0, 0, 0}));
  return to_uchar(out.unpremultiply());
}

// The text as an RGBA mark: colour, size in px, shadow opacity, clockwise rotation.
Result<VImage> text_mark(const OpParams& p) {
  std::string text = p.get_text("text", "");
  const Font& font = font_for(p.get_text("type", "wqy-zenhei"));
  auto rgb = parse_hex_colour(p.get_text("color", "000000"));
  if (!rgb) return Status::error("invalid_argument.watermark.color", "color must be 6 hex digits");
  int size = static_cast<int>(std::clamp<std::int64_t>(p.get_int("size", 40), 1, 1000));
  VImage cov = VImage::text(
      markup_escape(text).c_str(),
      VImage::option()
          ->set("font", (std::string(font.family) + " " + std::to_string(size)).c_str())
          ->set("fontfile", font.file)
          ->set("dpi", 72));
  VImage mark = solid_rgba(cov, *rgb, 1.0);
  int shadow = static_cast<int>(p.get_int("shadow", 0));
  if (shadow > 0) {
    int d = std::max(1, size / 20);
    VImage sh =
        solid_rgba(cov, {0, 0, 0}, shadow / 100.0).embed(d, d, cov.width() + d, cov.height() + d);
    mark = to_uchar(sh.composite2(mark, VIPS_BLEND_MODE_OVER));
  }
  return rotate_rgba(mark, static_cast<int>(p.get_int("rotate", 0)));
}

// The image value is "<key>" or "<key>?x-oss-process=image/<actions>"; the executor passes the
// mark's local path under the key (either form is looked up).
Result<VImage> image_mark(const OpParams& p, const json& options, const WorkerLimits& limits,
                          int base_w, int base_h) {
  std::string value = p.get_text("image", "");
  std::string key = value, actions;
  const std::string sep = "?x-oss-process=image/";
  if (std::size_t q = value.find(sep); q != std::string::npos) {
    key = value.substr(0, q);
    actions = value.substr(q + sep.size());
  }
  const json* images = options.is_object() && options.contains("watermark_images")
                           ? &options["watermark_images"]
                           : nullptr;
  std::string path;
  for (const std::string& k : {value, key}) {
    if (images != nullptr && images->is_object() && images->contains(k) &&
        (*images)[k].is_string()) {
      path = (*images)[k].get<std::string>();
      break;
    }
  }
  if (path.empty()) {
    return Status::error("invalid_argument.watermark.image",
                         "the watermark image '" + key + "' was not provided to the engine");
  }
  Result<Header> header = read_header(path, limits);
  if (!header.ok()) {
    return Status::error(header.status().id(), "watermark image: " + header.status().message());
  }
  VImage mark = load_image(path, *header);
  std::size_t start = 0;
  while (!actions.empty() && start <= actions.size()) {
    std::size_t end = std::min(actions.find('/', start), actions.size());
    std::string action = actions.substr(start, end - start);
    start = end + 1;
    std::string name = action.substr(0, action.find(','));
    std::string args =
        action.find(',') == std::string::npos ? "" : action.substr(action.find(',') + 1);
    OpParams ap = OpParams::from_wire(args);
    Status s;
    if (name == "resize" && ap.has("P")) {
      mark = resize_percent_of_base(
          mark, base_w, base_h,
          static_cast<int>(std::clamp<std::int64_t>(ap.get_int("P", 100), 1, 100)));
    } else if (name == "resize") {
      s = apply_resize(mark, ap);
    } else if (name == "crop") {
      s = apply_crop(mark, ap);
    } else if (name == "indexcrop") {
      s = apply_indexcrop(mark, ap);
    } else if (name == "rounded-corners") {
      s = apply_rounded_corners(mark, ap);
    } else if (name == "rotate") {
      s = apply_rotate(mark, ap);
    } else {
      s = Status::error("invalid_argument.watermark.preprocess",
                        "preprocess action '" + name + "' is not allowed");
    }
    if (!s.is_ok()) return s;
  }
  return to_rgba(mark);
}

// image and text side by side: order 0 image first; align 0 top, 1 middle, 2 bottom.
VImage combine(const VImage& img, const VImage& text, const OpParams& p) {
  bool text_first = p.get_int("order", 0) == 1;
  int align = static_cast<int>(p.get_int("align", 2));
  int gap = static_cast<int>(p.get_int("interval", 0));
  const VImage& a = text_first ? text : img;
  const VImage& b = text_first ? img : text;
  int w = a.width() + gap + b.width(), h = std::max(a.height(), b.height());
  auto top = [&](const VImage& m) {
    return align == 0 ? 0 : align == 1 ? (h - m.height()) / 2 : h - m.height();
  };
  VImage canvas = VImage::black(w, h, VImage::option()->set("bands", 4))
                      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  canvas = to_uchar(canvas);
  canvas = canvas.insert(a, 0, top(a)).insert(b, a.width() + gap, top(b));
  return canvas;
}

// Top-left of the mark for gravity g: x is the margin for the left/right positions, y for the
// top/bottom ones, voffset moves west/center/east marks down (positive) or up.
std::pair<int, int> place(const std::string& g, int W, int H, int w, int h, const OpParams& p) {
  int x = static_cast<int>(p.get_int("x", 10)), y = static_cast<int>(p.get_int("y", 10));
  int voff = static_cast<int>(p.get_int("voffset", 0));
  int px = (W - w) / 2, py = (H - h) / 2 + voff;
  if (g == "nw" || g == "west" || g == "sw") px = x;
  if (g == "ne" || g == "east" || g == "se") px = W - w - x;
  if (g == "nw" || g == "north" || g == "ne") py = y;
  if (g == "sw" || g == "south" || g == "se") py = H - h - y;
  return {px, py};
}

}  // namespace

Status apply_watermark(VImage& img, const OpParams& p, const json& options,
                       const WorkerLimits& limits) {
  std::optional<VImage> mark;
  if (p.has("image")) {
    Result<VImage> m = image_mark(p, options, limits, img.width(), img.height());
    if (!m.ok()) return m.status();
    mark = *m;
  }
  if (p.has("text")) {
    Result<VImage> t = text_mark(p);
    if (!t.ok()) return t.status();
    mark = mark ? combine(*mark, *t, p) : *t;
  }
  if (!mark)
    return Status::error("invalid_argument.watermark.text", "watermark needs text or image");
  double opacity = std::clamp<std::int64_t>(p.get_int("t", 100), 0, 100) / 100.0;
  if (opacity < 1.0) {
    VImage alpha = mark->extract_band(3) * opacity;
    *mark = mark->extract_band(0, VImage::option()->set("n", 3))
                .bandjoin(alpha.cast(VIPS_FORMAT_UCHAR));
  }
  const int W = img.width(), H = img.height();
  VImage overlay;
  if (p.get_int("fill", 0) == 1) {
    int tw = mark->width() + static_cast<int>(p.get_int("padx", 0));
    int th = mark->height() + static_cast<int>(p.get_int("pady", 0));
    VImage tile = mark->embed(0, 0, tw, th);
    overlay = tile.replicate((W + tw - 1) / tw, (H + th - 1) / th).crop(0, 0, W, H);
  } else {
    auto [x, y] = place(p.get_text("g", "se"), W, H, mark->width(), mark->height(), p);
    // Clip the mark to the image, then lay it on a transparent canvas of the image's size.
    int x0 = std::max(0, x), y0 = std::max(0, y);
    int x1 = std::min(W, x + mark->width()), y1 = std::min(H, y + mark->height());
    if (x1 <= x0 || y1 <= y0) return Status::ok();  // entirely outside: nothing to draw
    VImage part = mark->crop(x0 - x, y0 - y, x1 - x0, y1 - y0);
    overlay = part.embed(x0, y0, W, H);
  }
  bool base_alpha = img.has_alpha();
  VImage base = to_rgba(img);
  VImage out = to_uchar(base.composite2(overlay, VIPS_BLEND_MODE_OVER));
  if (!base_alpha) out = out.extract_band(0, VImage::option()->set("n", 3));
  img = out;
  return Status::ok();
}

}  // namespace omm::engine::image

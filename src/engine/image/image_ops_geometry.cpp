// Geometry operations with OSS semantics (reference/seed_ops.md §4.1.1–4.1.5, 4.1.9): resize,
// crop, indexcrop, rotate, flip, auto-orient.
#include <algorithm>
#include <cmath>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using vips::VImage;

namespace {

int round_side(double v) { return std::max(1, static_cast<int>(std::lround(v))); }

Status bad(const std::string& op, const std::string& param, const std::string& message) {
  return Status::error("invalid_argument." + op + "." + param, message);
}

}  // namespace

// OSS rules: w/h win over l/s; only w or only h scales proportionally for lfit/mfit/fixed and
// uses a w×w (h×h) box for pad/fill; only l or only s scales that side and ignores m; l and s
// together form a box (longer × shorter, oriented like the source) that m applies to; p is a
// percentage used when none of w/h/l/s is given. limit=1 (default) returns the source when the
// scaled size would be larger than the source; p above 100 enlarges regardless.
Result<ResizePlan> plan_resize(int src_w, int src_h, const OpParams& p) {
  ResizePlan plan;
  std::string m = p.get_text("m", "lfit");
  bool limit = p.get_int("limit", 1) != 0;
  if (p.has("color")) {
    auto c = parse_hex_colour(p.get_text("color", ""));
    if (!c) return bad("resize", "color", "color must be 6 hex digits (RRGGBB)");
    plan.pad_colour = *c;
  }
  const double sw = src_w, sh = src_h;
  bool has_w = p.has("w"), has_h = p.has("h"), has_l = p.has("l"), has_s = p.has("s");
  double box_w = 0, box_h = 0;
  if (has_w || has_h) {
    box_w = static_cast<double>(p.get_int("w", 0));
    box_h = static_cast<double>(p.get_int("h", 0));
    if (!has_h) box_h = (m == "pad" || m == "fill") ? box_w : sh * box_w / sw;
    if (!has_w) box_w = (m == "pad" || m == "fill") ? box_h : sw * box_h / sh;
    if (!(has_w && has_h) && (m == "lfit" || m == "mfit" || m == "fixed")) m = "fixed_ratio";
  } else if (has_l || has_s) {
    if (has_l && has_s) {
      double l = static_cast<double>(p.get_int("l", 0)), s = static_cast<double>(p.get_int("s", 0));
      box_w = sw >= sh ? l : s;
      box_h = sw >= sh ? s : l;
    } else {
      double scale =
          has_l ? p.get_int("l", 0) / std::max(sw, sh) : p.get_int("s", 0) / std::min(sw, sh);
      box_w = sw * scale;
      box_h = sh * scale;
      m = "fixed_ratio";
    }
  } else if (p.has("p")) {
    double scale = p.get_int("p", 100) / 100.0;
    plan.scaled_w = round_side(sw * scale);
    plan.scaled_h = round_side(sh * scale);
    return plan;
  } else {
    return bad("resize", "w", "resize needs one of w, h, l, s, p");
  }
  if (m == "fixed_ratio") {
    plan.scaled_w = round_side(box_w);
    plan.scaled_h = round_side(box_h);
  } else if (m == "fixed") {
    plan.scaled_w = round_side(box_w);
    plan.scaled_h = round_side(box_h);
  } else if (m == "lfit" || m == "pad") {
    double scale = std::min(box_w / sw, box_h / sh);
    plan.scaled_w = round_side(sw * scale);
    plan.scaled_h = round_side(sh * scale);
  } else if (m == "mfit" || m == "fill") {
    double scale = std::max(box_w / sw, box_h / sh);
    plan.scaled_w = round_side(sw * scale);
    plan.scaled_h = round_side(sh * scale);
  } else {
    return bad("resize", "m", "m must be one of lfit, mfit, fill, pad, fixed, got \"" + m + "\"");
  }
  if (m == "fill" || m == "pad") {
    plan.finish = m == "fill" ? ResizePlan::Finish::kCrop : ResizePlan::Finish::kPad;
    plan.box_w = round_side(box_w);
    plan.box_h = round_side(box_h);
  }
  if (limit && (plan.scaled_w > src_w || plan.scaled_h > src_h)) plan.noop = true;
  return plan;
}

VImage run_resize(const VImage& img, const ResizePlan& plan) {
  if (plan.noop) return img;
  VImage out = scale_to(img, plan.scaled_w, plan.scaled_h);
  if (plan.finish == ResizePlan::Finish::kCrop) {
    int w = std::min(plan.box_w, out.width()), h = std::min(plan.box_h, out.height());
    out = out.crop((out.width() - w) / 2, (out.height() - h) / 2, w, h);
  } else if (plan.finish == ResizePlan::Finish::kPad) {
    std::vector<double> bg = plan.pad_colour;
    if (out.bands() <= 2) bg = {0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]};
    if (out.has_alpha()) bg.push_back(255);
    out = out.embed((plan.box_w - out.width()) / 2, (plan.box_h - out.height()) / 2, plan.box_w,
                    plan.box_h,
                    VImage::option()->set("extend", VIPS_EXTEND_BACKGROUND)->set("background", bg));
  }
  return out;
}

VImage resize_percent_of_base(const VImage& mark, int base_w, int base_h, int percent) {
  double bw = base_w * percent / 100.0, bh = base_h * percent / 100.0;
  double scale = std::min(bw / mark.width(), bh / mark.height());
  return scale_to(mark, round_side(mark.width() * scale), round_side(mark.height() * scale));
}

Status apply_resize(VImage& img, const OpParams& p) {
  Result<ResizePlan> plan = plan_resize(img.width(), img.height(), p);
  if (!plan.ok()) return plan.status();
  img = run_resize(img, *plan);
  return Status::ok();
}

// Anchor origins as the OSS crop table gives them, then x/y added; w/h default to the whole
// side; an origin outside the image is refused; a crop running past the image is clamped.
Status apply_crop(VImage& img, const OpParams& p) {
  std::string g = p.get_text("g", "nw");
  if (g == "auto" || g == "face") {
    return Status::error(
        "engine.unsupported",
        "crop g=" + g +
            " needs face or saliency detection, which the image "
            "engine does not have (it belongs to the vision engine oss-media-engine-vision)");
  }
  const int sw = img.width(), sh = img.height();
  int w = static_cast<int>(p.get_int("w", 0)), h = static_cast<int>(p.get_int("h", 0));
  if (w <= 0 || w > sw) w = sw;
  if (h <= 0 || h > sh) h = sh;
  int ox = 0, oy = 0;
  if (g == "north" || g == "center" || g == "south") ox = sw / 2 - w / 2;
  if (g == "ne" || g == "east" || g == "se") ox = sw - w;
  if (g == "west" || g == "center" || g == "east") oy = sh / 2 - h / 2;
  if (g == "sw" || g == "south" || g == "se") oy = sh - h;
  ox += static_cast<int>(p.get_int("x", 0));
  oy += static_cast<int>(p.get_int("y", 0));
  if (ox >= sw) {
    return bad("crop", "x",
               "the crop origin x=" + std::to_string(ox) + " is out of image (width " +
                   std::to_string(sw) + ")");
  }
  if (oy >= sh) {
    return bad("crop", "y",
               "the crop origin y=" + std::to_string(oy) + " is out of image (height " +
                   std::to_string(sh) + ")");
  }
  w = std::min(w, sw - ox);
  h = std::min(h, sh - oy);
  img = img.crop(ox, oy, w, h);
  return Status::ok();
}

// Cuts the image into slices of x (or y) pixels and keeps slice i; an index past the last slice
// returns the image unchanged. y wins when both are given (OSS).
Status apply_indexcrop(VImage& img, const OpParams& p) {
  bool along_y = p.has("y");
  int size = static_cast<int>(p.get_int(along_y ? "y" : "x", 0));
  if (size <= 0) return bad("indexcrop", along_y ? "y" : "x", "the slice size must be at least 1");
  int i = static_cast<int>(p.get_int("i", 0));
  int side = along_y ? img.height() : img.width();
  int count = (side + size - 1) / size;
  if (i < 0 || i >= count) return Status::ok();
  int start = i * size, len = std::min(size, side - start);
  img = along_y ? img.crop(0, start, img.width(), len) : img.crop(start, 0, len, img.height());
  return Status::ok();
}

// Clockwise; right angles turn the image, other angles enlarge the canvas with a white
// background (transparent for images with alpha). OSS refuses sources over 4096 px per side.
Status apply_rotate(VImage& img, const OpParams& p) {
  int deg = static_cast<int>(p.get_int("value", 0)) % 360;
  if (deg < 0) deg += 360;
  if (img.width() > 4096 || img.height() > 4096) {
    return bad("rotate", "source",
               "rotate needs a source of at most 4096 px per side (OSS limit), got " +
                   std::to_string(img.width()) + "x" + std::to_string(img.height()));
  }
  if (deg == 0) return Status::ok();
  if (deg == 90) {
    img = img.rot(VIPS_ANGLE_D90);
  } else if (deg == 180) {
    img = img.rot(VIPS_ANGLE_D180);
  } else if (deg == 270) {
    img = img.rot(VIPS_ANGLE_D270);
  } else {
    std::vector<double> bg(static_cast<std::size_t>(img.bands()), 255.0);
    bool alpha = img.has_alpha();
    if (alpha) bg.back() = 0;
    VImage in = alpha ? img.premultiply() : img;
    VImage out = in.rotate(deg, VImage::option()->set("background", bg));
    img = to_uchar(alpha ? out.unpremultiply() : out);
  }
  return Status::ok();
}

// 0 vertical (top-bottom), 1 horizontal (left-right), 2 both.
Status apply_flip(VImage& img, const OpParams& p) {
  std::int64_t v = p.get_int("value", 0);
  if (v == 0 || v == 2) img = img.flip(VIPS_DIRECTION_VERTICAL);
  if (v == 1 || v == 2) img = img.flip(VIPS_DIRECTION_HORIZONTAL);
  if (v < 0 || v > 2) return bad("flip", "value", "flip value must be 0, 1 or 2");
  return Status::ok();
}

Status apply_auto_orient(VImage& img, const OpParams& p) {
  if (p.get_int("value", 1) == 1) img = img.autorot();
  return Status::ok();
}

}  // namespace omm::engine::image

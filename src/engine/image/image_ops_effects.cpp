// Pixel effects with OSS semantics (reference/seed_ops.md §4.1.11–4.1.16): blur, sharpen, bright,
// contrast, circle, rounded-corners. Alpha is kept out of colour arithmetic; the circle and
// rounded-corner masks are computed arithmetically (no SVG loader) with a one-pixel soft edge.
#include <algorithm>
#include <cmath>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using vips::VImage;

namespace {

// max(a, b) per pixel (libvips 8.14 has no maxpair).
VImage pixel_max(const VImage& a, const VImage& b) { return (a > b).ifthenelse(a, b); }

// 0..255 coverage from a signed distance (positive inside), antialiased over one pixel.
VImage coverage(const VImage& inside) {
  VImage c = (inside + 0.5) * 255.0;
  c = (c < 0).ifthenelse(0, c);
  c = (c > 255).ifthenelse(255, c);
  return c.cast(VIPS_FORMAT_UCHAR);
}

}  // namespace

// r is the radius and s the sigma of the gaussian; r caps the mask through min_ampl.
Status apply_blur(VImage& img, const OpParams& p) {
  if (p.has("g")) {
    return Status::error(
        "engine.unsupported",
        "blur g=" + p.get_text("g", "") +
            " needs face detection, which the image "
            "engine does not have (it belongs to the vision engine oss-media-engine-vision)");
  }
  double r = static_cast<double>(std::max<std::int64_t>(1, p.get_int("r", 1)));
  double s = static_cast<double>(std::max<std::int64_t>(1, p.get_int("s", 1)));
  double min_ampl = std::clamp(std::exp(-(r * r) / (2 * s * s)), 0.001, 0.5);
  img = on_colour_bands(img, [&](const VImage& c) {
    return to_uchar(c.gaussblur(s, VImage::option()->set("min_ampl", min_ampl)));
  });
  return Status::ok();
}

// 50..399, 100 recommended: the unsharp-mask strength grows linearly (100 → libvips' default).
Status apply_sharpen(VImage& img, const OpParams& p) {
  double v = static_cast<double>(std::clamp<std::int64_t>(p.get_int("value", 100), 50, 399));
  img = on_colour_bands(img, [&](const VImage& c) {
    VImage out = c.sharpen(VImage::option()->set("sigma", 1.0)->set("m2", 3.0 * v / 100.0));
    if (c.bands() == 1) out = out.colourspace(VIPS_INTERPRETATION_B_W);
    return to_uchar(out);
  });
  return Status::ok();
}

// -100..100: adds value × 2.55 to every colour band (100 → white, -100 → black).
Status apply_bright(VImage& img, const OpParams& p) {
  double v = static_cast<double>(p.get_int("value", 0));
  if (v == 0) return Status::ok();
  img = on_colour_bands(img, [&](const VImage& c) { return to_uchar(c.linear(1.0, v * 2.55)); });
  return Status::ok();
}

// -100..100: scales about mid-grey; -100 → flat grey, 100 → ×3.
Status apply_contrast(VImage& img, const OpParams& p) {
  double v = static_cast<double>(p.get_int("value", 0));
  if (v == 0) return Status::ok();
  double a = v < 0 ? (100.0 + v) / 100.0 : 1.0 + v / 50.0;
  img = on_colour_bands(img,
                        [&](const VImage& c) { return to_uchar(c.linear(a, 128.0 * (1.0 - a))); });
  return Status::ok();
}

// The inscribed circle of radius r (capped at half the shorter side) around the centre: the
// image is cut to 2r×2r and the outside becomes transparent (white after encoding when the
// output format has no alpha).
Status apply_circle(VImage& img, const OpParams& p) {
  int r = static_cast<int>(p.get_int("r", 1));
  r = std::clamp(r, 1, std::max(1, std::min(img.width(), img.height()) / 2));
  int d = std::min({2 * r, img.width(), img.height()});
  img = img.crop((img.width() - d) / 2, (img.height() - d) / 2, d, d);
  VImage xy = VImage::xyz(d, d);
  double c = d / 2.0;
  VImage dx = xy.extract_band(0) + 0.5 - c;
  VImage dy = xy.extract_band(1) + 0.5 - c;
  VImage dist = (dx * dx + dy * dy).pow(0.5);
  img = apply_alpha_mask(img, coverage(c - dist));
  return Status::ok();
}

// Corners rounded with radius r (capped at half the shorter side); outside is transparent.
Status apply_rounded_corners(VImage& img, const OpParams& p) {
  const int w = img.width(), h = img.height();
  double r = static_cast<double>(
      std::clamp<std::int64_t>(p.get_int("r", 1), 1, std::max(1, std::min(w, h) / 2)));
  VImage xy = VImage::xyz(w, h);
  VImage x = xy.extract_band(0) + 0.5, y = xy.extract_band(1) + 0.5;
  VImage dx = pixel_max(pixel_max(r - x, x - (w - r)), VImage::black(w, h) + 0.0);
  VImage dy = pixel_max(pixel_max(r - y, y - (h - r)), VImage::black(w, h) + 0.0);
  VImage dist = (dx * dx + dy * dy).pow(0.5);
  img = apply_alpha_mask(img, coverage(r - dist));
  return Status::ok();
}

}  // namespace omm::engine::image

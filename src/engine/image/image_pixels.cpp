// Small pixel helpers shared by the operations: alpha handling, exact resampling, colours.
#include <cmath>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using vips::VImage;

bool has_alpha(const VImage& img) { return img.has_alpha(); }

VImage to_uchar(const VImage& img) {
  if (img.format() == VIPS_FORMAT_UCHAR) return img;
  return img.cast(VIPS_FORMAT_UCHAR);
}

VImage to_rgba(VImage img) {
  if (img.interpretation() != VIPS_INTERPRETATION_sRGB || img.bands() < 3) {
    img = img.colourspace(VIPS_INTERPRETATION_sRGB);
  }
  img = to_uchar(img);
  if (!img.has_alpha()) img = img.bandjoin_const({255});
  return img;
}

VImage scale_to(const VImage& img, int w, int h) {
  if (img.width() == w && img.height() == h) return img;
  bool alpha = img.has_alpha();
  VImage in = alpha ? img.premultiply() : img;
  double hscale = static_cast<double>(w) / img.width();
  double vscale = static_cast<double>(h) / img.height();
  VImage out = in.resize(hscale, VImage::option()->set("vscale", vscale));
  if (alpha) out = out.unpremultiply();
  out = to_uchar(out);
  // resize rounds the output size; make it exact.
  if (out.width() > w || out.height() > h) {
    out = out.crop(0, 0, std::min(w, out.width()), std::min(h, out.height()));
  }
  if (out.width() < w || out.height() < h) {
    out = out.embed(0, 0, w, h, VImage::option()->set("extend", VIPS_EXTEND_COPY));
  }
  return out;
}

VImage apply_alpha_mask(const VImage& img, const VImage& mask) {
  VImage base = img;
  if (!base.has_alpha()) {
    if (base.bands() == 1 || base.bands() == 3) {
      base = base.bandjoin_const({255});
    } else {
      base = to_rgba(base);
    }
  }
  int n = base.bands() - 1;
  VImage colour = base.extract_band(0, VImage::option()->set("n", n));
  VImage alpha = base.extract_band(n);
  VImage combined = (alpha * mask / 255.0).cast(VIPS_FORMAT_UCHAR);
  return colour.bandjoin(combined);
}

std::optional<std::vector<double>> parse_hex_colour(std::string_view hex) {
  if (hex.size() != 6) return std::nullopt;
  std::vector<double> rgb;
  for (int i = 0; i < 3; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[static_cast<std::size_t>(i * 2 + k)];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    rgb.push_back(v);
  }
  return rgb;
}

}  // namespace omm::engine::image

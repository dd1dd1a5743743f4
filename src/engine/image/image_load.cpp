// Reading sources: format sniffing, the header-only pixel limit check, decoding with
// shrink-on-load, and normalising to 8-bit sRGB or grey.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "engine/image/gif_frames.h"
#include "engine/image/image_engine.h"

namespace omm::engine::image {

using vips::VImage;

namespace {

constexpr const char* kSupported = "jpg, png, webp, gif, bmp, tiff, heic, avif";

// The OSS format name from the first bytes, or "" when it is none of the supported sources.
std::string sniff(const unsigned char* b, std::size_t n) {
  auto starts = [&](const char* sig, std::size_t len, std::size_t at = 0) {
    return n >= at + len && std::memcmp(b + at, sig, len) == 0;
  };
  if (starts("\xFF\xD8\xFF", 3)) return "jpg";
  if (starts("\x89PNG\r\n\x1A\n", 8)) return "png";
  if (starts("GIF87a", 6) || starts("GIF89a", 6)) return "gif";
  if (starts("RIFF", 4) && starts("WEBP", 4, 8)) return "webp";
  if (starts("II*\0", 4) || starts("MM\0*", 4) || starts("II+\0", 4) || starts("MM\0+", 4)) {
    return "tiff";
  }
  if (starts("BM", 2) && n >= 26) return "bmp";
  if (starts("ftyp", 4, 4)) {
    std::string box(reinterpret_cast<const char*>(b), n);
    if (box.find("avif") != std::string::npos || box.find("avis") != std::string::npos) {
      return "avif";
    }
    for (const char* brand : {"heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"}) {
      if (box.find(brand) != std::string::npos) return "heic";
    }
  }
  return "";
}

}  // namespace

Result<Header> read_header(const std::string& path, const WorkerLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("engine.decode", "cannot open the input file " + path);
  unsigned char head[64] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  auto n = static_cast<std::size_t>(in.gcount());
  if (n == 0) return Status::error("engine.decode", "the input is empty (0 bytes)");
  Header h;
  h.format = sniff(head, n);
  if (h.format.empty()) {
    return Status::error("engine.decode", std::string("the input is not an image in a supported "
                                                      "format (") +
                                              kSupported + ")");
  }
  VImage img;
  try {
    img = VImage::new_from_file(path.c_str(),
                                VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
  } catch (const vips::VError& e) {
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::error("engine.decode", "cannot read the " + h.format + " header: " + why);
  }
  h.width = img.width();
  h.height = img.height();
  if (img.get_typeof("n-pages") != 0) h.pages = std::max(1, img.get_int("n-pages"));
  if (h.format == "gif") {
    // libvips stops counting at 4097 frames; the GIF's own blocks tell the truth.
    std::ifstream gif(path, std::ios::binary);
    if (auto frames = count_gif_frames(gif); frames && *frames > 0) {
      h.pages = static_cast<int>(std::min<std::uint64_t>(*frames, 1u << 30));
    }
  }
  std::uint64_t pixels = static_cast<std::uint64_t>(h.width) *
                         static_cast<std::uint64_t>(h.height) * static_cast<std::uint64_t>(h.pages);
  if (pixels > limits.max_pixels) {
    return Status::error(
        "engine.limit.pixels",
        "the image has " + std::to_string(h.width) + "x" + std::to_string(h.height) +
            (h.pages > 1 ? "x" + std::to_string(h.pages) + " frames" : "") + " = " +
            std::to_string(pixels) + " pixels, over the limit of " +
            std::to_string(limits.max_pixels) + " (read from the header; nothing was decoded)");
  }
  return h;
}

VImage load_image(const std::string& path, const Header& header, int shrink) {
  auto opts = VImage::option()->set("fail_on", VIPS_FAIL_ON_TRUNCATED);
  if (shrink > 1 && header.format == "jpg") opts->set("shrink", shrink);
  if (shrink > 1 && header.format == "webp") opts->set("scale", 1.0 / shrink);
  VImage img = VImage::new_from_file(path.c_str(), opts);
  return normalise(img);
}

VImage normalise(VImage img) {
  VipsInterpretation in = img.interpretation();
  bool grey = in == VIPS_INTERPRETATION_B_W && img.bands() <= 2;
  bool srgb = in == VIPS_INTERPRETATION_sRGB && (img.bands() == 3 || img.bands() == 4);
  if (img.format() != VIPS_FORMAT_UCHAR || !(grey || srgb)) {
    if (in == VIPS_INTERPRETATION_GREY16 || (in == VIPS_INTERPRETATION_B_W && img.bands() <= 2)) {
      img = img.colourspace(VIPS_INTERPRETATION_B_W);
    } else if (img.bands() <= 2 && in != VIPS_INTERPRETATION_CMYK) {
      img = img.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_B_W));
    } else {
      img = img.colourspace(VIPS_INTERPRETATION_sRGB);
    }
    img = to_uchar(img);
  }
  return img;
}

}  // namespace omm::engine::image

// Output: format, quality and interlace settings, the savers Debian's libvips has, and the
// response metadata read back from the written file.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using nlohmann::json;
using vips::VImage;

namespace {

// The libvips saver operation each OSS format needs.
const char* saver_for(const std::string& format) {
  if (format == "jpg") return "jpegsave";
  if (format == "png") return "pngsave";
  if (format == "webp") return "webpsave";
  if (format == "gif") return "gifsave";
  if (format == "tiff") return "tiffsave";
  if (format == "heic" || format == "avif") return "heifsave";
  if (format == "bmp") return "magicksave";  // libvips has no BMP writer of its own
  return nullptr;
}

constexpr int kDefaultQuality = 85;

// IJG (JPEG Annex K) luminance table; libjpeg scales it by the quality.
constexpr int kStdLuminance[64] = {16,  11,  10,  16,  24, 40, 51,  61,  12,  12,  14,  19,  26,
                                   58,  60,  55,  14,  13, 16, 24,  40,  57,  69,  56,  14,  17,
                                   22,  29,  51,  87,  80, 62, 18,  22,  37,  56,  68,  109, 103,
                                   77,  24,  35,  55,  64, 81, 104, 113, 92,  49,  64,  78,  87,
                                   103, 121, 120, 101, 72, 92, 95,  98,  112, 100, 103, 99};

VImage flatten_white(const VImage& img) {
  if (!img.has_alpha()) return img;
  std::vector<double> white(static_cast<std::size_t>(img.bands() - 1), 255.0);
  return to_uchar(img.flatten(VImage::option()->set("background", white)));
}

}  // namespace

std::string normalise_format_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "jpeg") return "jpg";
  if (name == "tif") return "tiff";
  if (name == "heif") return "heic";
  return name;
}

bool can_write(const std::string& format) {
  const char* saver = saver_for(format);
  return saver != nullptr && vips_type_find("VipsOperation", saver) != 0;
}

Status check_writable(const std::string& format) {
  if (saver_for(format) == nullptr) {
    return Status::error("engine.unsupported", "format '" + format +
                                                   "' is not an output format "
                                                   "(jpg, png, webp, bmp, gif, tiff, heic, avif)");
  }
  if (!can_write(format)) {
    return Status::error("engine.unsupported", "this machine's libvips cannot write " + format +
                                                   " (no " + saver_for(format) + " operation)");
  }
  return Status::ok();
}

Status apply_quality(EncodeSettings& enc, const OpParams& p) {
  if (p.has("Q"))
    enc.quality_abs = static_cast<int>(std::clamp<std::int64_t>(p.get_int("Q", 90), 1, 100));
  if (p.has("q"))
    enc.quality_rel = static_cast<int>(std::clamp<std::int64_t>(p.get_int("q", 90), 1, 100));
  return Status::ok();
}

Status apply_interlace(EncodeSettings& enc, const OpParams& p) {
  enc.interlace = p.get_int("value", 0) == 1;
  return Status::ok();
}

// libvips does not expose a JPEG's quantisation tables, so the DQT segment is read here: the
// luminance table's sum against the IJG table gives libjpeg's scale factor, which inverts to
// the quality. Files without a DQT (or not JPEG) give nullopt.
std::optional<int> estimate_jpeg_quality(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t i = 2;
  while (i + 4 <= data.size()) {
    if (static_cast<unsigned char>(data[i]) != 0xFF) return std::nullopt;
    unsigned marker = static_cast<unsigned char>(data[i + 1]);
    std::size_t len =
        (static_cast<unsigned char>(data[i + 2]) << 8) | static_cast<unsigned char>(data[i + 3]);
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan started: no table
    if (marker == 0xDB && i + 2 + len <= data.size()) {
      std::size_t j = i + 4, end = i + 2 + len;
      while (j < end) {
        unsigned pq = static_cast<unsigned char>(data[j]) >> 4, tq = data[j] & 0x0F;
        std::size_t n = pq ? 128 : 64;
        if (j + 1 + n > end) return std::nullopt;
        if (tq == 0) {
          double sum = 0, std_sum = 0;
          for (int k = 0; k < 64; ++k) {
            sum += pq ? (static_cast<unsigned char>(data[j + 1 + 2 * k]) << 8) |
                            static_cast<unsigned char>(data[j + 2 + 2 * k])
                      : static_cast<unsigned char>(data[j + 1 + k]);
            std_sum += kStdLuminance[k];
          }
          double scale = sum * 100.0 / std_sum;  // libjpeg: scale = q<50 ? 5000/q : 200-2q
          double q = scale <= 100.0 ? (200.0 - scale) / 2.0 : 5000.0 / scale;
          return std::clamp(static_cast<int>(std::lround(q)), 1, 100);
        }
        j += 1 + n;
      }
    }
    i += 2 + len;
  }
  return std::nullopt;
}

Result<json> save_image(VImage img, const std::string& path, const EncodeSettings& enc,
                        const Header& source, const std::string& source_path) {
  const std::string& f = enc.format;
  if (Status s = check_writable(f); !s.is_ok()) return s;
  // Quality (jpg, webp, heic, avif). Q is absolute but never above a JPEG source's own quality;
  // q is a percentage of a JPEG source's quality (on other sources it acts like Q).
  int quality = kDefaultQuality;
  std::optional<int> src_q;
  if (source.format == "jpg" && (enc.quality_abs || enc.quality_rel)) {
    src_q = estimate_jpeg_quality(source_path);
    if (!src_q) src_q = 90;  // no readable table: assume a typical camera/export quality
  }
  if (enc.quality_abs) quality = src_q ? std::min(*enc.quality_abs, *src_q) : *enc.quality_abs;
  if (enc.quality_rel) {
    quality = src_q ? std::max(1, *src_q * *enc.quality_rel / 100) : *enc.quality_rel;
  }
  if (f == "jpg") {
    img = flatten_white(img);
    img.jpegsave(path.c_str(), VImage::option()
                                   ->set("Q", quality)
                                   ->set("interlace", enc.interlace)
                                   ->set("optimize_coding", true));
  } else if (f == "png") {
    img.pngsave(path.c_str());
  } else if (f == "webp") {
    img.webpsave(path.c_str(), VImage::option()->set("Q", quality));
  } else if (f == "gif") {
    img.gifsave(path.c_str());
  } else if (f == "tiff") {
    img.tiffsave(path.c_str());
  } else if (f == "heic" || f == "avif") {
    if (img.bands() <= 2) img = img.colourspace(VIPS_INTERPRETATION_sRGB);
    img.heifsave(path.c_str(),
                 VImage::option()
                     ->set("Q", quality)
                     ->set("compression", f == "avif" ? VIPS_FOREIGN_HEIF_COMPRESSION_AV1
                                                      : VIPS_FOREIGN_HEIF_COMPRESSION_HEVC));
  } else if (f == "bmp") {
    img = flatten_white(img);
    img.magicksave(path.c_str(), VImage::option()->set("format", "bmp"));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::error("engine.encode", "the encoder wrote no file at " + path);
  }
  VImage out = VImage::new_from_file(path.c_str());
  return json{{"width", out.width()}, {"height", out.height()},
              {"format", f},          {"size", static_cast<std::int64_t>(st.st_size)},
              {"bands", out.bands()}, {"has_alpha", out.has_alpha()}};
}

}  // namespace omm::engine::image

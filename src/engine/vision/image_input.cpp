#include "engine/vision/image_input.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace omm::engine::vision {

namespace {

using Bytes = std::vector<unsigned char>;

Status decode_error(const std::string& why) { return Status::error("engine.decode", why); }

// A file read at explicit offsets; short reads leave `out` smaller than asked.
class HeaderReader {
 public:
  explicit HeaderReader(const std::string& path)
      : f_(std::fopen(path.c_str(), "rb"), &std::fclose) {
    if (f_ && std::fseek(f_.get(), 0, SEEK_END) == 0) size_ = std::ftell(f_.get());
  }
  bool is_open() const { return f_ != nullptr; }
  std::uint64_t size() const { return size_ < 0 ? 0 : static_cast<std::uint64_t>(size_); }
  Bytes read(std::uint64_t offset, size_t n) const {
    Bytes out(n);
    if (std::fseek(f_.get(), static_cast<long>(offset), SEEK_SET) != 0) return {};
    out.resize(std::fread(out.data(), 1, n, f_.get()));
    return out;
  }

 private:
  std::unique_ptr<FILE, int (*)(FILE*)> f_;
  long size_ = -1;
};

std::uint32_t be16(const Bytes& b, size_t i) { return (b[i] << 8) | b[i + 1]; }
std::uint32_t be32(const Bytes& b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
std::uint32_t le16(const Bytes& b, size_t i) { return b[i] | (b[i + 1] << 8); }
std::uint32_t le24(const Bytes& b, size_t i) { return le16(b, i) | (b[i + 2] << 16); }
std::uint32_t le32(const Bytes& b, size_t i) { return le16(b, i) | (le16(b, i + 2) << 16); }

bool parse_png(const Bytes& b, ImageHeader* h) {
  if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) return false;
  h->width = be32(b, 16);
  h->height = be32(b, 20);
  return true;
}

// Walks JPEG marker segments to the first SOFn (any of C0..CF except DHT C4, JPG C8, DAC CC).
bool parse_jpeg(const HeaderReader& r, ImageHeader* h) {
  std::uint64_t pos = 2;
  for (int guard = 0; guard < 1000 && pos + 4 <= r.size(); ++guard) {
    Bytes m = r.read(pos, 4);
    if (m.size() < 4 || m[0] != 0xFF) return false;
    unsigned marker = m[1];
    if (marker == 0xFF) {  // fill byte
      pos += 1;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return false;  // end of image / scan before any SOF
    std::uint32_t len = be16(m, 2);
    if (len < 2) return false;
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      Bytes sof = r.read(pos + 4, 5);
      if (sof.size() < 5) return false;
      h->height = be16(sof, 1);
      h->width = be16(sof, 3);
      return true;
    }
    pos += 2 + len;
  }
  return false;
}

// libjpeg decodes a truncated JPEG with a warning and grey rows, and OpenCV hands that on as an
// image. A complete JPEG has its EOI marker (FF D9) after the start of its first scan; inside
// entropy-coded data an FF byte is always followed by 00 or a restart marker (D0..D7), so no
// FF D9 after the scan start means the file was cut short.
bool jpeg_complete(const HeaderReader& r) {
  std::uint64_t pos = 2;
  std::uint64_t scan = 0;
  for (int guard = 0; guard < 1000 && pos + 4 <= r.size(); ++guard) {
    Bytes m = r.read(pos, 4);
    if (m.size() < 4 || m[0] != 0xFF) return false;
    unsigned marker = m[1];
    if (marker == 0xFF) {
      pos += 1;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += 2;
      continue;
    }
    if (marker == 0xDA) {
      scan = pos + 2;
      break;
    }
    if (marker == 0xD9) return false;
    pos += 2 + be16(m, 2);
  }
  if (scan == 0) return false;
  bool after_ff = false;
  for (std::uint64_t at = scan; at < r.size(); at += 65536) {
    Bytes chunk = r.read(at, 65536);
    if (chunk.empty()) return false;
    for (unsigned char c : chunk) {
      if (after_ff && c == 0xD9) return true;
      after_ff = c == 0xFF;
    }
  }
  return false;
}

bool parse_webp(const Bytes& b, ImageHeader* h) {
  if (b.size() < 30) return false;
  if (std::memcmp(b.data() + 12, "VP8 ", 4) == 0) {
    if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A) return false;
    h->width = le16(b, 26) & 0x3FFF;
    h->height = le16(b, 28) & 0x3FFF;
    return true;
  }
  if (std::memcmp(b.data() + 12, "VP8L", 4) == 0) {
    if (b[20] != 0x2F) return false;
    std::uint32_t bits = le32(b, 21);
    h->width = (bits & 0x3FFF) + 1;
    h->height = ((bits >> 14) & 0x3FFF) + 1;
    return true;
  }
  if (std::memcmp(b.data() + 12, "VP8X", 4) == 0) {
    h->width = le24(b, 24) + 1;
    h->height = le24(b, 27) + 1;
    return true;
  }
  return false;
}

bool parse_bmp(const Bytes& b, ImageHeader* h) {
  if (b.size() < 26) return false;
  auto w = static_cast<std::int32_t>(le32(b, 18));
  auto ht = static_cast<std::int32_t>(le32(b, 22));
  h->width = w < 0 ? 0 : static_cast<std::uint64_t>(w);
  h->height = ht < 0 ? -static_cast<std::int64_t>(ht) : ht;
  return true;
}

// First IFD only: ImageWidth (256) and ImageLength (257), SHORT or LONG.
bool parse_tiff(const HeaderReader& r, const Bytes& b, ImageHeader* h) {
  bool le = b[0] == 'I';
  auto u16 = [le](const Bytes& x, size_t i) { return le ? le16(x, i) : be16(x, i); };
  auto u32 = [le](const Bytes& x, size_t i) { return le ? le32(x, i) : be32(x, i); };
  Bytes count = r.read(u32(b, 4), 2);
  if (count.size() < 2) return false;
  std::uint32_t n = std::min<std::uint32_t>(u16(count, 0), 512);
  Bytes entries = r.read(u32(b, 4) + 2, n * 12);
  for (size_t e = 0; e + 12 <= entries.size(); e += 12) {
    std::uint32_t tag = u16(entries, e), type = u16(entries, e + 2);
    std::uint32_t value = type == 3 ? u16(entries, e + 8) : u32(entries, e + 8);
    if (tag == 256) h->width = value;
    if (tag == 257) h->height = value;
  }
  return h->width > 0 && h->height > 0;
}

}  // namespace

Result<ImageHeader> read_header(const std::string& path) {
  HeaderReader r(path);
  if (!r.is_open()) return decode_error("cannot open the input file");
  if (r.size() == 0) return decode_error("the input is empty (0 bytes)");
  Bytes b = r.read(0, 32);
  ImageHeader h;
  h.file_size = r.size();
  bool ok = false;
  if (b.size() >= 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) {
    h.format = "png";
    ok = parse_png(b, &h);
  } else if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
    h.format = "jpeg";
    ok = parse_jpeg(r, &h);
    if (ok && !jpeg_complete(r)) {
      return decode_error("the jpeg input is truncated (no end-of-image marker after its scan)");
    }
  } else if (b.size() >= 16 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
             std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    h.format = "webp";
    ok = parse_webp(b, &h);
  } else if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') {
    h.format = "bmp";
    ok = parse_bmp(b, &h);
  } else if (b.size() >= 8 &&
             (std::memcmp(b.data(), "II*\0", 4) == 0 || std::memcmp(b.data(), "MM\0*", 4) == 0)) {
    h.format = "tiff";
    ok = parse_tiff(r, b, &h);
  } else {
    return decode_error("unsupported or unrecognised image format (jpeg, png, webp, bmp, tiff)");
  }
  if (!ok || h.width == 0 || h.height == 0) {
    return decode_error("cannot read the " + h.format + " header (truncated or corrupt)");
  }
  return h;
}

Result<DecodedImage> load_image(const std::string& path, std::uint64_t max_pixels,
                                bool keep_alpha) {
  auto header = read_header(path);
  if (!header.ok()) return header.status();
  std::uint64_t pixels = header->width * header->height;
  if (pixels > max_pixels) {
    return Status::error("engine.limit.pixels",
                         std::to_string(header->width) + "x" + std::to_string(header->height) +
                             " is " + std::to_string(pixels) + " pixels, more than the limit of " +
                             std::to_string(max_pixels) +
                             " (read from the header; nothing was decoded)");
  }
  DecodedImage out;
  out.header = *header;
  try {
    cv::Mat m = cv::imread(path, keep_alpha ? cv::IMREAD_UNCHANGED : cv::IMREAD_COLOR);
    if (m.empty()) return decode_error("cannot decode the " + header->format + " image");
    if (m.depth() != CV_8U) {
      double scale = m.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
      if (m.depth() == CV_32F || m.depth() == CV_64F) scale = 255.0;
      m.convertTo(m, CV_8U, scale);
    }
    if (m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    if (m.channels() == 2) {  // gray + alpha
      std::vector<cv::Mat> ch;
      cv::split(m, ch);
      cv::merge(std::vector<cv::Mat>{ch[0], ch[0], ch[0], ch[1]}, m);
    }
    out.pixels = m;
  } catch (const cv::Exception& e) {
    return decode_error("cannot decode the " + header->format + " image: " + e.msg);
  }
  return out;
}

nlohmann::json image_metadata(const ImageHeader& header, const cv::Mat& pixels) {
  return {{"width", pixels.cols},       {"height", pixels.rows},
          {"format", header.format},    {"size", header.file_size},
          {"bands", pixels.channels()}, {"has_alpha", pixels.channels() == 4}};
}

}  // namespace omm::engine::vision

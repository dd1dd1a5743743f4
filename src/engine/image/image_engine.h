// The image engine worker (oss-media-engine-image): OSS image operations on libvips, one job at
// a time (docs/local-backend.md). Internal to the worker executable; every function runs on the
// worker's single job thread. libvips failures arrive as vips::VError exceptions and are mapped
// to error ids in image_engine_main.cpp; the functions here return a Status for everything they
// judge themselves (OSS rules, unsupported parameters).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <vips/vips8>

#include "core/status.h"
#include "engine/worker.h"

namespace omm::engine::image {

// The parameters of one operation: from a request's [{"name":…,"value":…}] list, or from an OSS
// wire action inside a watermark preprocess ("w_100,h_20", or "90" for value-only actions).
class OpParams {
 public:
  static OpParams from_json(const nlohmann::json& params);
  static OpParams from_wire(std::string_view args);

  bool has(std::string_view name) const;
  std::int64_t get_int(std::string_view name, std::int64_t fallback) const;
  std::string get_text(std::string_view name, std::string fallback) const;
  void set(std::string name, nlohmann::json value) { values_[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, nlohmann::json, std::less<>> values_;
};

// ---- image_load.cpp ----
struct Header {
  int width = 0;
  int height = 0;
  int pages = 1;
  std::string format;  // OSS name: jpg png webp gif bmp tiff heic avif
};

// Sniffs the container from the first bytes (engine.decode for empty or unknown files), reads
// the header only, and refuses width*height*pages over limits.max_pixels (engine.limit.pixels).
Result<Header> read_header(const std::string& path, const WorkerLimits& limits);
// Decodes the first page. shrink > 1 asks the JPEG/WebP loader to decode at 1/shrink.
vips::VImage load_image(const std::string& path, const Header& header, int shrink = 1);
// sRGB or B_W, 8 bits per band (CMYK, 16-bit, Lab … are converted).
vips::VImage normalise(vips::VImage img);

// ---- image_pixels.cpp (helpers shared by the operations) ----
bool has_alpha(const vips::VImage& img);
// sRGB with an alpha band (added opaque when missing).
vips::VImage to_rgba(vips::VImage img);
// Applies fn to the colour bands and rejoins the alpha band untouched.
template <class Fn>
vips::VImage on_colour_bands(const vips::VImage& img, Fn fn) {
  if (!has_alpha(img)) return fn(img);
  vips::VImage colour = img.extract_band(0, vips::VImage::option()->set("n", img.bands() - 1));
  return fn(colour).bandjoin(img.extract_band(img.bands() - 1));
}
vips::VImage to_uchar(const vips::VImage& img);
// Resamples to exactly w×h (alpha premultiplied while resampling).
vips::VImage scale_to(const vips::VImage& img, int w, int h);
// Multiplies the alpha band by mask/255 (adding an alpha band first when missing).
vips::VImage apply_alpha_mask(const vips::VImage& img, const vips::VImage& mask);
// A "FFFFFF" colour parameter as RGB; nullopt when malformed.
std::optional<std::vector<double>> parse_hex_colour(std::string_view hex);

// ---- image_ops_geometry.cpp ----
// What a resize does to a source of a given size, computed before decoding so that the loader
// can shrink on load. noop: the source is returned unchanged (limit=1 and a larger target).
struct ResizePlan {
  bool noop = false;
  int scaled_w = 0, scaled_h = 0;  // proportional (or fixed) size
  enum class Finish { kNone, kCrop, kPad } finish = Finish::kNone;
  int box_w = 0, box_h = 0;  // fill: centre crop to the box; pad: centre on the box
  std::vector<double> pad_colour{255, 255, 255};
};
Result<ResizePlan> plan_resize(int src_w, int src_h, const OpParams& p);
vips::VImage run_resize(const vips::VImage& img, const ResizePlan& plan);
// Scales proportionally into (base_w*P%, base_h*P%): watermark preprocess "resize,P_n".
vips::VImage resize_percent_of_base(const vips::VImage& mark, int base_w, int base_h, int percent);

Status apply_resize(vips::VImage& img, const OpParams& p);
Status apply_crop(vips::VImage& img, const OpParams& p);
Status apply_indexcrop(vips::VImage& img, const OpParams& p);
Status apply_rotate(vips::VImage& img, const OpParams& p);
Status apply_flip(vips::VImage& img, const OpParams& p);
Status apply_auto_orient(vips::VImage& img, const OpParams& p);

// ---- image_ops_effects.cpp ----
Status apply_blur(vips::VImage& img, const OpParams& p);
Status apply_sharpen(vips::VImage& img, const OpParams& p);
Status apply_bright(vips::VImage& img, const OpParams& p);
Status apply_contrast(vips::VImage& img, const OpParams& p);
Status apply_circle(vips::VImage& img, const OpParams& p);
Status apply_rounded_corners(vips::VImage& img, const OpParams& p);

// ---- image_watermark.cpp ----
// options: the request's "options" (watermark_images: {key: local path}).
Status apply_watermark(vips::VImage& img, const OpParams& p, const nlohmann::json& options,
                       const WorkerLimits& limits);

// ---- image_encode.cpp ----
struct EncodeSettings {
  std::string format;              // OSS name
  std::optional<int> quality_abs;  // quality Q
  std::optional<int> quality_rel;  // quality q
  bool interlace = false;          // interlace,1
};
std::string normalise_format_name(std::string name);  // "jpeg" → "jpg", lower case
// Whether Debian's libvips has a saver for the format here, at run time.
bool can_write(const std::string& format);
// engine.unsupported naming the format when it cannot be written.
Status check_writable(const std::string& format);
Status apply_quality(EncodeSettings& enc, const OpParams& p);
Status apply_interlace(EncodeSettings& enc, const OpParams& p);
// Estimated quality (1..100) of a JPEG file from its luminance quantisation table.
std::optional<int> estimate_jpeg_quality(const std::string& path);
// Writes the image and returns the response metadata, read back from the written file.
Result<nlohmann::json> save_image(vips::VImage img, const std::string& path,
                                  const EncodeSettings& enc, const Header& source,
                                  const std::string& source_path);

// ---- image_info.cpp ----
Result<nlohmann::json> image_info(const std::string& path, const Header& header);
Result<nlohmann::json> average_hue(const std::string& path, const Header& header);

}  // namespace omm::engine::image

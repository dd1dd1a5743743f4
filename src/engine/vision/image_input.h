// Image input of the vision engine: identify the container from its header, check the pixel
// limit before any decode, then decode with OpenCV. Every failure is a Status (never a throw):
// `engine.decode` (unreadable, truncated or unsupported input) or `engine.limit.pixels`.
//
// The header parser reads only the bytes it needs (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X,
// BMP, TIFF first IFD). Formats outside that list are refused as `engine.decode`: OpenCV would
// have to decode them to learn their size.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/status.h"

namespace omm::engine::vision {

struct ImageHeader {
  std::string format;  // "jpeg", "png", "webp", "bmp", "tiff"
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t file_size = 0;
};

// Reads the container header of `path`.
Result<ImageHeader> read_header(const std::string& path);

struct DecodedImage {
  ImageHeader header;
  cv::Mat pixels;  // 8-bit; BGR (3 channels) or BGRA (4 channels) when alpha is kept
};

// Reads the header, refuses more than `max_pixels` pixels, then decodes. With `keep_alpha` the
// result is BGRA when the input has an alpha channel (EXIF orientation is then not applied).
Result<DecodedImage> load_image(const std::string& path, std::uint64_t max_pixels,
                                bool keep_alpha = false);

// {"width","height","format","size","bands","has_alpha"} for the response's "metadata".
nlohmann::json image_metadata(const ImageHeader& header, const cv::Mat& pixels);

}  // namespace omm::engine::vision

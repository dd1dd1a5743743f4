#include "engine/vision/blind_watermark.h"

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/vision/bwm_codec.h"
#include "engine/vision/bwm_payload.h"
#include "engine/vision/image_input.h"
#include "engine/vision/request.h"

namespace omm::engine::vision {

namespace {

using nlohmann::json;

std::string watermark_key(const json& request) {
  auto options = request.find("options");
  std::string key = options != request.end() ? string_field(*options, "watermark_key") : "";
  return key.empty() ? kDefaultWatermarkKey : key;
}

// The strength parameter `s` of `op`: "low" when absent.
Result<float> strength(const json& op, const std::string& op_name) {
  json s = op_param(op, "s");
  std::string level = s.is_null() ? "low" : s.is_string() ? s.get<std::string>() : s.dump();
  if (auto amplitude = bwm::amplitude_for(level)) return *amplitude;
  return Status::error("invalid_argument." + op_name + ".s",
                       "s must be one of low, medium, high, got \"" + level + "\"");
}

// OpenCV encoder extension and parameters for an output format.
struct Encoder {
  std::string ext;
  std::vector<int> params;
};

Result<Encoder> encoder_for(const std::string& format) {
  if (format == "jpeg" || format == "jpg") return Encoder{".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}};
  if (format == "png") return Encoder{".png", {}};
  if (format == "webp") return Encoder{".webp", {cv::IMWRITE_WEBP_QUALITY, 95}};
  if (format == "bmp") return Encoder{".bmp", {}};
  if (format == "tiff" || format == "tif") return Encoder{".tiff", {}};
  return Status::error("engine.unsupported",
                       "blindwatermark cannot write " + format + " (jpeg, png, webp, bmp, tiff)");
}

Status write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::error("engine.encode", "cannot write the output file");
  return Status::ok();
}

}  // namespace

Result<json> embed_blind_watermark(const json& request, const json& op,
                                   const WorkerLimits& limits) {
  json content_param = op_param(op, "content");
  if (!content_param.is_string() || content_param.get<std::string>().empty()) {
    return Status::error("invalid_argument.blindwatermark.content",
                         "content is required: the watermark text");
  }
  std::string content = content_param.get<std::string>();
  auto amplitude = strength(op, "blindwatermark");
  if (!amplitude.ok()) return amplitude.status();
  std::string output = string_field(request, "output");
  if (output.empty()) return Status::error("engine.encode", "blindwatermark needs an output path");

  auto image = load_image(string_field(request, "input"), limits.max_pixels, true);
  if (!image.ok()) return image.status();
  std::string format = string_field(request, "format");
  if (format.empty()) format = image->header.format;
  auto encoder = encoder_for(format);
  if (!encoder.ok()) return encoder.status();

  cv::Mat pixels = image->pixels;
  if (std::min(pixels.cols, pixels.rows) < bwm::kMinSide) {
    return Status::error("engine.unsupported", "blindwatermark needs an image of at least " +
                                                   std::to_string(bwm::kMinSide) + "x" +
                                                   std::to_string(bwm::kMinSide) + " pixels");
  }
  size_t capacity_bits = bwm::max_frame_bits(pixels.cols, pixels.rows);
  size_t capacity = capacity_bits / 8 - bwm::kFrameOverheadBytes;
  if (content.size() > std::min(capacity, bwm::kMaxContentBytes)) {
    return Status::error("invalid_argument.blindwatermark.content",
                         "content is " + std::to_string(content.size()) + " bytes; a " +
                             std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) +
                             " image carries at most " +
                             std::to_string(std::min(capacity, bwm::kMaxContentBytes)) + " bytes");
  }
  cv::Mat bgr, alpha;
  if (pixels.channels() == 4) {
    cv::cvtColor(pixels, bgr, cv::COLOR_BGRA2BGR);
    cv::extractChannel(pixels, alpha, 3);
  } else {
    bgr = pixels;
  }
  cv::Mat marked =
      bwm::embed(bgr, bwm::encode_payload(content), watermark_key(request), *amplitude);
  if (!alpha.empty() && encoder->ext != ".jpg" && encoder->ext != ".bmp") {
    cv::Mat bgra;
    cv::merge(std::vector<cv::Mat>{marked, alpha}, bgra);
    marked = bgra;
  }
  std::vector<unsigned char> bytes;
  try {
    if (!cv::imencode(encoder->ext, marked, bytes, encoder->params)) {
      return Status::error("engine.encode", "cannot encode " + format);
    }
  } catch (const cv::Exception& e) {
    return Status::error("engine.encode", "cannot encode " + format + ": " + e.msg);
  }
  if (Status s = write_file(output, bytes); !s.is_ok()) return s;
  ImageHeader out_header{format == "jpg" ? "jpeg" : format, 0, 0, bytes.size()};
  return json{{"metadata", image_metadata(out_header, marked)}};
}

Result<json> extract_blind_watermark(const json& request, const json& op,
                                     const WorkerLimits& limits) {
  auto amplitude = strength(op, "blindwatermark-extract");
  if (!amplitude.ok()) return amplitude.status();
  auto image = load_image(string_field(request, "input"), limits.max_pixels);
  if (!image.ok()) return image.status();
  json data;
  if (auto text = bwm::extract(image->pixels, watermark_key(request))) {
    data = {{"content", *text}, {"found", true}};
  } else {
    data = {{"content", nullptr}, {"found", false}};
  }
  return json{{"metadata", image_metadata(image->header, image->pixels)}, {"data", data}};
}

}  // namespace omm::engine::vision

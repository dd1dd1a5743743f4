// Image quality score in 0..1 (higher is better), in the shape of IMM DetectImageScore.
//
// Three parts, each in 0..1:
//  - BRISQUE (opencv_contrib quality, model files from Debian's opencv-data): 0 (pristine) ..
//    100 (poor), inverted. It tracks blur, blocking and noise but barely reacts to exposure.
//  - sharpness: log10 of the variance of the Laplacian of the luma (≥ 1000 counts as sharp).
//  - exposure: mean luma away from the extremes and few clipped (≤ 2 or ≥ 253) pixels.
// Overall = 0.5·BRISQUE + 0.25·sharpness + 0.25·exposure; BRISQUE's weight moves to the other
// two if it cannot be computed (model files missing). A heuristic, not IMM's model.
#include <cmath>
#include <filesystem>
#include <opencv2/quality.hpp>

#include "engine/vision/detect.h"

namespace omm::engine::vision {

namespace {

constexpr const char* kModel = "/usr/share/opencv4/quality/brisque_model_live.yml";
constexpr const char* kRange = "/usr/share/opencv4/quality/brisque_range_live.yml";
constexpr int kMaxSide = 1024;

// NaN when the model is unavailable.
double brisque_part(const cv::Mat& bgr) {
  static cv::Ptr<cv::quality::QualityBRISQUE> brisque =
      std::filesystem::exists(kModel) && std::filesystem::exists(kRange)
          ? cv::quality::QualityBRISQUE::create(kModel, kRange)
          : nullptr;
  if (!brisque) return NAN;
  double b = brisque->compute(bgr)[0];
  if (!std::isfinite(b)) return NAN;
  return std::clamp(1.0 - b / 100.0, 0.0, 1.0);
}

double sharpness_part(const cv::Mat& gray) {
  cv::Mat lap;
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return std::clamp(std::log10(1.0 + stddev[0] * stddev[0]) / 3.0, 0.0, 1.0);
}

double exposure_part(const cv::Mat& gray) {
  double mean = cv::mean(gray)[0];
  double clipped =
      static_cast<double>(cv::countNonZero(gray <= 2) + cv::countNonZero(gray >= 253)) /
      static_cast<double>(gray.total());
  double level = std::clamp(1.0 - std::max(0.0, std::abs(mean - 128.0) - 40.0) / 88.0, 0.0, 1.0);
  return level * std::clamp(1.0 - 2.0 * clipped, 0.0, 1.0);
}

}  // namespace

Result<nlohmann::json> score_image(const cv::Mat& bgr) {
  double scale = 1.0;
  cv::Mat img = fit_within(bgr, kMaxSide, &scale);
  cv::Mat gray;
  cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
  double brisque = brisque_part(img);
  double sharp = sharpness_part(gray);
  double exposure = exposure_part(gray);
  double overall = std::isnan(brisque) ? 0.5 * sharp + 0.5 * exposure
                                       : 0.5 * brisque + 0.25 * sharp + 0.25 * exposure;
  overall = std::round(std::clamp(overall, 0.0, 1.0) * 1000) / 1000;
  return nlohmann::json{{"ImageScore", {{"OverallQualityScore", overall}}}};
}

}  // namespace omm::engine::vision

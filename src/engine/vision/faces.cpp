// Face detection with the Haar frontal-face cascade shipped by Debian's opencv-data. The
// confidence is the logistic of the cascade's final-stage weight: a ranking aid, not a
// calibrated probability.
#include <cmath>
#include <opencv2/objdetect.hpp>

#include "engine/vision/detect.h"

namespace omm::engine::vision {

namespace {

constexpr const char* kCascade =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
constexpr int kMaxSide = 1280;  // detection runs on a copy at most this large

}  // namespace

Result<nlohmann::json> detect_faces(const cv::Mat& bgr) {
  static cv::CascadeClassifier cascade;
  if (cascade.empty() && !cascade.load(kCascade)) {
    return Status::error("engine.unsupported",
                         std::string("faces needs the opencv-data cascade ") + kCascade);
  }
  double scale = 1.0;
  cv::Mat gray;
  cv::cvtColor(fit_within(bgr, kMaxSide, &scale), gray, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<cv::Rect> boxes;
  std::vector<int> reject_levels;
  std::vector<double> weights;
  cascade.detectMultiScale(gray, boxes, reject_levels, weights, 1.1, 4, 0, cv::Size(24, 24),
                           cv::Size(), true);
  nlohmann::json faces = nlohmann::json::array();
  for (size_t i = 0; i < boxes.size(); ++i) {
    double w = i < weights.size() ? weights[i] : 0.0;
    double confidence = 1.0 / (1.0 + std::exp(-w));
    faces.push_back({{"Boundary", boundary_json(unscale(boxes[i], scale, bgr.size()))},
                     {"Confidence", std::round(confidence * 1000) / 1000}});
  }
  return nlohmann::json{{"Faces", faces}};
}

}  // namespace omm::engine::vision

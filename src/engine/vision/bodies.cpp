// Body (person) detection with OpenCV's built-in HOG + linear SVM people detector; no model file
// is needed. The confidence is the logistic of the SVM margin.
#include <cmath>
#include <opencv2/objdetect.hpp>

#include "engine/vision/detect.h"

namespace omm::engine::vision {

namespace {

constexpr int kMaxSide = 1280;

}  // namespace

Result<nlohmann::json> detect_bodies(const cv::Mat& bgr) {
  static cv::HOGDescriptor hog = [] {
    cv::HOGDescriptor h;
    h.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
    return h;
  }();
  double scale = 1.0;
  cv::Mat img = fit_within(bgr, kMaxSide, &scale);
  nlohmann::json bodies = nlohmann::json::array();
  if (img.cols < hog.winSize.width || img.rows < hog.winSize.height) {
    return nlohmann::json{{"Bodies", bodies}};
  }
  std::vector<cv::Rect> boxes;
  std::vector<double> weights;
  hog.detectMultiScale(img, boxes, weights, 0.0, cv::Size(8, 8), cv::Size(), 1.05, 2.0);
  for (size_t i = 0; i < boxes.size(); ++i) {
    double w = i < weights.size() ? weights[i] : 0.0;
    double confidence = 1.0 / (1.0 + std::exp(-w));
    bodies.push_back({{"Boundary", boundary_json(unscale(boxes[i], scale, bgr.size()))},
                      {"Confidence", std::round(confidence * 1000) / 1000}});
  }
  return nlohmann::json{{"Bodies", bodies}};
}

}  // namespace omm::engine::vision

// Detections of the vision engine, one function per OSS detection op. Each takes the decoded BGR
// image and answers the `data` object in the shape of the matching IMM DetectImage* response
// (without RequestId). Boxes are in input pixels. Not thread-safe (lazily loaded models); the
// worker serves one job at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/status.h"

namespace omm::engine::vision {

// {"Faces":[{"Boundary":{"Left","Top","Width","Height"},"Confidence"}]}: Haar frontal-face
// cascade from opencv-data. `engine.unsupported` when the cascade file is missing.
Result<nlohmann::json> detect_faces(const cv::Mat& bgr);

// {"Bodies":[{"Boundary":{…},"Confidence"}]}: OpenCV's built-in HOG people detector
// (people at least ~128 px tall).
Result<nlohmann::json> detect_bodies(const cv::Mat& bgr);

// {"Codes":[{"Content","Type","Boundary":{…}}]}: zbar, QR and 1D symbologies, at most 5 (OSS).
// Type is "qrcode" for QR, otherwise zbar's symbology name ("EAN-13", "CODE-128", …).
Result<nlohmann::json> detect_codes(const cv::Mat& bgr);

// {"ImageScore":{"OverallQualityScore":0..1}}: BRISQUE (opencv_contrib quality, opencv-data
// model) combined with sharpness and exposure heuristics.
Result<nlohmann::json> score_image(const cv::Mat& bgr);

// IMM's Boundary object for a box.
inline nlohmann::json boundary_json(const cv::Rect& r) {
  return {{"Left", r.x}, {"Top", r.y}, {"Width", r.width}, {"Height", r.height}};
}

// The image scaled down (never up) so that its longer side is at most `max_side`; `*scale` is
// the factor applied (≤ 1), so input coordinates = detected coordinates / scale.
inline cv::Mat fit_within(const cv::Mat& img, int max_side, double* scale) {
  int side = std::max(img.cols, img.rows);
  *scale = side > max_side ? static_cast<double>(max_side) / side : 1.0;
  if (*scale == 1.0) return img;
  cv::Mat out;
  cv::resize(img, out, cv::Size(), *scale, *scale, cv::INTER_AREA);
  return out;
}

// A box found on a scaled image, mapped back to input pixels and clipped to the image.
inline cv::Rect unscale(const cv::Rect& r, double scale, const cv::Size& image) {
  cv::Rect out(cvRound(r.x / scale), cvRound(r.y / scale), cvRound(r.width / scale),
               cvRound(r.height / scale));
  return out & cv::Rect(0, 0, image.width, image.height);
}

}  // namespace omm::engine::vision

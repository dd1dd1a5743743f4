// QR code and barcode reading with zbar (QR and the 1D symbologies it knows). zbar runs in this
// worker process only: if it crashes, the pool reports the job and replaces the worker.
#include <zbar.h>

#include <memory>

#include "engine/vision/detect.h"

namespace omm::engine::vision {

// zbar.h declares its C API inside namespace zbar when compiled as C++.
using namespace zbar;  // NOLINT

namespace {

constexpr size_t kMaxCodes = 5;  // OSS: at most 5 codes per image
constexpr int kMaxSide = 4096;   // larger inputs are scanned on a scaled copy

std::string type_name(zbar_symbol_type_t type) {
  if (type == ZBAR_QRCODE) return "qrcode";
  return zbar_get_symbol_name(type);
}

cv::Rect symbol_box(const zbar_symbol_t* symbol) {
  unsigned n = zbar_symbol_get_loc_size(symbol);
  if (n == 0) return {};
  int x0 = INT32_MAX, y0 = INT32_MAX, x1 = INT32_MIN, y1 = INT32_MIN;
  for (unsigned i = 0; i < n; ++i) {
    int x = zbar_symbol_get_loc_x(symbol, i), y = zbar_symbol_get_loc_y(symbol, i);
    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  }
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

}  // namespace

Result<nlohmann::json> detect_codes(const cv::Mat& bgr) {
  double scale = 1.0;
  cv::Mat gray;
  cv::cvtColor(fit_within(bgr, kMaxSide, &scale), gray, cv::COLOR_BGR2GRAY);
  if (!gray.isContinuous()) gray = gray.clone();

  std::unique_ptr<zbar_image_scanner_t, void (*)(zbar_image_scanner_t*)> scanner(
      zbar_image_scanner_create(), &zbar_image_scanner_destroy);
  zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_ENABLE, 1);
  std::unique_ptr<zbar_image_t, void (*)(zbar_image_t*)> image(zbar_image_create(),
                                                               &zbar_image_destroy);
  zbar_image_set_format(image.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image.get(), gray.cols, gray.rows);
  zbar_image_set_data(image.get(), gray.data, gray.total(), nullptr);  // gray outlives image
  if (zbar_scan_image(scanner.get(), image.get()) < 0) {
    return Status::error("engine.decode", "zbar could not scan the image");
  }
  nlohmann::json codes = nlohmann::json::array();
  for (const zbar_symbol_t* s = zbar_image_first_symbol(image.get());
       s != nullptr && codes.size() < kMaxCodes; s = zbar_symbol_next(s)) {
    const char* data = zbar_symbol_get_data(s);
    codes.push_back({{"Content", std::string(data, zbar_symbol_get_data_length(s))},
                     {"Type", type_name(zbar_symbol_get_type(s))},
                     {"Boundary", boundary_json(unscale(symbol_box(s), scale, bgr.size()))}});
  }
  return nlohmann::json{{"Codes", codes}};
}

}  // namespace omm::engine::vision

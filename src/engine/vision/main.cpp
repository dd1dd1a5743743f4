// oss-media-engine-vision: the OpenCV + zbar engine worker (docs/local-backend.md). One
// operation per request: a detection (faces, bodies, codes, score; cars and labels are refused
// with unsupported_on_backend), a blind watermark embed ("blindwatermark", writes `output`) or
// extract ("blindwatermark-extract", JSON).
#include <opencv2/core.hpp>

#include "engine/vision/blind_watermark.h"
#include "engine/vision/detect.h"
#include "engine/vision/image_input.h"
#include "engine/vision/request.h"
#include "engine/worker.h"

namespace {

using nlohmann::json;
using omm::Result;
using omm::Status;
using omm::engine::WorkerLimits;
namespace vision = omm::engine::vision;

Status unsupported_here(const std::string& op, const std::string& what) {
  return Status::error("unsupported_on_backend." + op,
                       op + " (" + what +
                           ") needs a model that is not available offline on the local backend; "
                           "the oss backend runs it");
}

Result<json> detect(const std::string& op, const std::string& input, const WorkerLimits& limits) {
  auto image = vision::load_image(input, limits.max_pixels);
  if (!image.ok()) return image.status();
  Result<json> data = Status::error("engine.unsupported", "unknown operation " + op);
  if (op == "faces") data = vision::detect_faces(image->pixels);
  if (op == "bodies") data = vision::detect_bodies(image->pixels);
  if (op == "codes") data = vision::detect_codes(image->pixels);
  if (op == "score") data = vision::score_image(image->pixels);
  if (!data.ok()) return data.status();
  return json{{"metadata", vision::image_metadata(image->header, image->pixels)}, {"data", *data}};
}

Result<json> handle(const json& request, const WorkerLimits& limits) {
  auto ops = request.find("operations");
  if (ops == request.end() || !ops->is_array() || ops->size() != 1 || !(*ops)[0].is_object()) {
    return Status::error("engine.unsupported",
                         "the vision engine runs exactly one operation per request");
  }
  const json& op = (*ops)[0];
  std::string name = vision::string_field(op, "op");
  if (name == "cars") return unsupported_here(name, "vehicle detection");
  if (name == "labels") return unsupported_here(name, "image labels");
  std::string input = vision::string_field(request, "input");
  if (input.empty()) return Status::error("engine.decode", "the request has no input path");
  if (name == "faces" || name == "bodies" || name == "codes" || name == "score") {
    return detect(name, input, limits);
  }
  if (name == "blindwatermark") return vision::embed_blind_watermark(request, op, limits);
  if (name == "blindwatermark-extract") {
    return vision::extract_blind_watermark(request, op, limits);
  }
  return Status::error("engine.unsupported", "the vision engine does not run '" + name + "'");
}

}  // namespace

int main(int argc, char** argv) {
  auto init = [] {
    cv::setNumThreads(1);  // the pool runs one worker per core
    return Status::ok();
  };
  return omm::engine::run_worker(argc, argv, "oss-media-engine-vision", init, handle);
}

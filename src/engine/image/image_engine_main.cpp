// oss-media-engine-image: the libvips worker. Runs one job per request line
// (docs/local-backend.md): header check, decode (shrinking on load when the chain starts with a
// resize), the operations in order, then the encoder; info and average-hue answer JSON in "data".
#include <malloc.h>

#include <cstdlib>
#include <string>

#include "engine/image/image_engine.h"
#include "engine/image/vips_modules.h"
#include "engine/worker.h"

namespace omm::engine::image {
namespace {

using nlohmann::json;
using vips::VImage;

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// libvips reports everything as VError; decoding failures often surface only when pixels are
// pulled, i.e. while saving, so the message decides. "VipsJpeg" prefixes both the JPEG loader's
// and the JPEG saver's messages: while saving it says nothing about which side failed
// ("Maximum supported image dimension is 65500 pixels" is the encoder's).
enum class Stage { kLoad, kSave };
Status vips_failure(const std::string& what, const char* fallback_id, const Header& source,
                    Stage stage = Stage::kLoad) {
  std::string id = fallback_id;
  if (contains(what, "out of memory") || contains(what, "Cannot allocate")) {
    id = "engine.limit.memory";
  } else if (contains(what, "load") || contains(what, "Premature") || contains(what, "truncat") ||
             contains(what, "corrupt") || contains(what, "read error") ||
             contains(what, "out of order") ||
             (stage == Stage::kLoad && contains(what, "VipsJpeg"))) {
    id = "engine.decode";
  }
  std::string message = what;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (id == "engine.decode") message = "cannot decode the " + source.format + " input: " + message;
  return Status::error(id, message);
}

Status run_op(const std::string& name, VImage& img, const OpParams& p, EncodeSettings& enc,
              const json& options, const WorkerLimits& limits) {
  if (name == "resize") return apply_resize(img, p);
  if (name == "crop") return apply_crop(img, p);
  if (name == "indexcrop") return apply_indexcrop(img, p);
  if (name == "rotate") return apply_rotate(img, p);
  if (name == "flip") return apply_flip(img, p);
  if (name == "auto-orient") return apply_auto_orient(img, p);
  if (name == "blur") return apply_blur(img, p);
  if (name == "sharpen") return apply_sharpen(img, p);
  if (name == "bright") return apply_bright(img, p);
  if (name == "contrast") return apply_contrast(img, p);
  if (name == "circle") return apply_circle(img, p);
  if (name == "rounded-corners") return apply_rounded_corners(img, p);
  if (name == "watermark") return apply_watermark(img, p, options, limits);
  if (name == "quality") return apply_quality(enc, p);
  if (name == "interlace") return apply_interlace(enc, p);
  if (name == "format") return Status::ok();  // decided before decoding
  return Status::error(
      "engine.unsupported",
      "operation '" + name +
          "' is not run by the image "
          "engine (blind watermarks and detections belong to oss-media-engine-vision)");
}

// request.format, else the last format operation, else the source's format (jpg when it
// cannot be written).
std::string output_format(const json& request, const json& ops, const Header& header) {
  if (request.contains("format") && request["format"].is_string() &&
      !request["format"].get<std::string>().empty()) {
    return normalise_format_name(request["format"].get<std::string>());
  }
  std::string fmt;
  for (const json& op : ops) {
    if (op.value("op", "") == "format") {
      fmt = OpParams::from_json(op.value("params", json::array())).get_text("value", "");
    }
  }
  if (!fmt.empty()) return normalise_format_name(fmt);
  return can_write(header.format) ? header.format : "jpg";
}

// Largest JPEG/WebP load shrink that still leaves a factor of two for the final resample.
int shrink_for(const json& ops, const Header& header, std::optional<ResizePlan>* first_plan) {
  if (ops.empty() || ops[0].value("op", "") != "resize") return 1;
  Result<ResizePlan> plan =
      plan_resize(header.width, header.height, OpParams::from_json(ops[0].value("params", json())));
  if (!plan.ok() || plan->noop) return 1;
  *first_plan = *plan;
  if (header.format != "jpg" && header.format != "webp") return 1;
  double factor = std::min(static_cast<double>(header.width) / plan->scaled_w,
                           static_cast<double>(header.height) / plan->scaled_h);
  for (int s : {8, 4, 2}) {
    if (s * 2 <= factor) return s;
  }
  return 1;
}

Result<json> run_job(const json& request, const WorkerLimits& limits) {
  std::string input = request.value("input", "");
  std::string output = request.value("output", "");
  json ops = request.value("operations", json::array());
  json options = request.value("options", json::object());
  if (input.empty() || !ops.is_array()) {
    return Status::error("engine.protocol", "the request needs \"input\" and \"operations\"");
  }
  Result<Header> header = read_header(input, limits);
  if (!header.ok()) return header.status();
  std::string first = ops.empty() ? "" : ops[0].value("op", "");
  try {
    if (first == "info" || first == "average-hue") {
      Result<json> data =
          first == "info" ? image_info(input, *header) : average_hue(input, *header);
      if (!data.ok()) return data.status();
      return json{{"data", *data}};
    }
  } catch (const vips::VError& e) {
    return vips_failure(e.what(), "engine.decode", *header);
  }
  if (output.empty()) return Status::error("engine.protocol", "the request has no \"output\" path");
  EncodeSettings enc;
  enc.format = output_format(request, ops, *header);
  if (Status s = check_writable(enc.format); !s.is_ok()) return s;
  std::optional<ResizePlan> first_plan;
  int shrink = shrink_for(ops, *header, &first_plan);
  VImage img;
  try {
    img = load_image(input, *header, shrink);
  } catch (const vips::VError& e) {
    return vips_failure(e.what(), "engine.decode", *header);
  }
  try {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      std::string name = ops[i].value("op", "");
      OpParams p = OpParams::from_json(ops[i].value("params", json::array()));
      if (i == 0 && first_plan) {
        img = run_resize(img, *first_plan);  // planned on the full-size header
        continue;
      }
      if (Status s = run_op(name, img, p, enc, options, limits); !s.is_ok()) return s;
    }
  } catch (const vips::VError& e) {
    return vips_failure(e.what(), "engine.internal", *header);
  }
  // The output is bounded like the input: refused before anything is encoded.
  const std::uint64_t out_pixels =
      static_cast<std::uint64_t>(img.width()) * static_cast<std::uint64_t>(img.height());
  if (out_pixels > limits.max_pixels) {
    return Status::error("engine.limit.pixels",
                         "the output would be " + std::to_string(img.width()) + "x" +
                             std::to_string(img.height()) + " = " + std::to_string(out_pixels) +
                             " pixels, over the limit of " + std::to_string(limits.max_pixels) +
                             " (nothing was encoded); make it smaller");
  }
  try {
    Result<json> meta = save_image(img, output, enc, *header, input);
    if (!meta.ok()) return meta.status();
    return json{{"metadata", *meta}};
  } catch (const vips::VError& e) {
    return vips_failure(e.what(), "engine.encode", *header, Stage::kSave);
  }
}

}  // namespace
}  // namespace omm::engine::image

int main(int argc, char** argv) {
  // libvips starts fresh threads for every job and glibc gives new threads their own malloc
  // arenas, each reserving 64 MiB of address space and keeping its freed pages: the worker's
  // peak RSS grew job after job (a 5000x5000 JPEG -> 600 px resize: 43 MiB after one job, 66 MiB
  // after ten) and the reservations counted against RLIMIT_AS (VmPeak 512 MiB instead of
  // 187 MiB). A worker runs one job at a time with one libvips thread, so one arena is enough.
  mallopt(M_ARENA_MAX, 1);
  const char* argv0 = argc > 0 ? argv[0] : "oss-media-engine-image";
  auto init = [argv0]() -> omm::Status {
    // Only the modules of OSS's formats (vips_modules.h).
    const bool pick_modules = omm::engine::image::kVipsModuleDir[0] != '\0';
    if (pick_modules) ::setenv("VIPSHOME", "/nonexistent", 1);
    if (VIPS_INIT(argv0) != 0) {
      return omm::Status::error("engine.init",
                                std::string("libvips failed to start: ") + vips_error_buffer());
    }
    if (pick_modules) omm::engine::image::load_vips_modules();
    vips_cache_set_max(0);    // one job after another on different files: nothing to reuse
    vips_concurrency_set(1);  // the pool runs one worker per core
    // Only the loaders of OSS's source formats are needed; ImageMagick is kept for BMP, and the
    // sniffing in read_header() only ever hands it files that start like a BMP.
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoadMagick", FALSE);
    vips_operation_block_set("VipsForeignSaveMagick", FALSE);
    return omm::Status::ok();
  };
  auto handler = [](const nlohmann::json& request, const omm::engine::WorkerLimits& limits) {
    omm::Result<nlohmann::json> r = omm::engine::image::run_job(request, limits);
    vips_error_clear();
    return r;
  };
  return omm::engine::run_worker(argc, argv, "oss-media-engine-image", init, handler);
}

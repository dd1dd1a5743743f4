// LocalExecutor, the engine jobs: image chains through the image engine (a trailing
// blindwatermark through the vision engine), info and detections/extraction as JSON answers;
// outputs through a temporary file (executor.h).
#include <spdlog/fmt/fmt.h>

#include <cstdio>
#include <filesystem>

#include "core/render.h"
#include "files/made_dirs.h"
#include "local/engine_pool.h"
#include "local/executor.h"
#include "local/executor_impl.h"

namespace omm::local {

namespace fs = std::filesystem;
using executor_impl::extension_of;
using executor_impl::io_error;
using executor_impl::kImageEngine;
using executor_impl::kVisionEngine;
using nlohmann::json;

namespace {

// The output format of an image chain: its last `format`, else the source's own.
std::string image_format(const core::Plan& plan, const std::string& source_path) {
  std::string fmt;
  for (const auto& op : plan.operations) {
    if (op.spec->name == std::string_view("format")) {
      if (const core::Param* v = op.find("value")) fmt = v->as_text();
    }
  }
  if (fmt.empty()) fmt = extension_of(source_path);
  if (fmt == "jpeg") fmt = "jpg";
  return fmt.empty() ? "jpg" : fmt;
}

json operations_json(const core::Plan& plan, size_t begin, size_t end) {
  json all = core::plan_to_json(plan)["operations"];
  json out = json::array();
  for (size_t i = begin; i < end && i < all.size(); ++i) out.push_back(all[i]);
  return out;
}

}  // namespace

Result<json> LocalExecutor::run_engine_job(const core::Plan& plan, const std::string& engine_name,
                                           const RunContext& context) {
  FetchedCopy fetched;
  auto source = resolve_source(plan, fetched, &context);
  if (!source.ok()) return source.status();
  std::string request_id = new_request_id();
  JobControl control{context.cancelled};
  json result{{"success", true},
              {"backend", "local"},
              {"operations", core::render_operations(plan)},
              {"request_id", request_id}};

  if (plan.output.mode == core::OutputMode::kNone) {  // JSON answers: info, detections, extract
    Status err;
    EnginePool* pool = engine(engine_name, &err);
    if (!pool) return err;
    json options{{"watermark_key", options_.watermark_key}};
    auto r = pool->run({{"input", *source},
                        {"output", ""},
                        {"format", nullptr},
                        {"operations", operations_json(plan, 0, plan.operations.size())},
                        {"options", options}},
                       control);
    if (!r.ok()) return r.status();
    result["mode"] = "info";
    result["data"] = r->value("data", json::object());
    return result;
  }

  // Image outputs: where the bytes go, through a temporary file.
  std::string format = image_format(plan, *source);
  std::string final_path;
  std::string temp;
  files::MadeDirs made;  // taken back if the call fails
  if (plan.output.mode == core::OutputMode::kSave) {
    auto t = store_.temp_path_for(plan.output.target_key, &made);
    if (!t.ok()) return t.status();
    temp = *t;
  } else {
    if (plan.output.mode == core::OutputMode::kDownload) {
      auto p = files_->resolve_download_path(plan.tool, plan.output.path);
      if (!p.ok()) return p.status();
      final_path = *p;
    } else {  // url: a result file of the server's own
      sweep_results();
      final_path =
          (fs::path(store_.root()) / ".tmp" / "results" / (request_id.substr(6) + "." + format))
              .string();
    }
    if (std::error_code ec = made.make_parents_of(final_path); ec) {
      return io_error("cannot create the directory of the output", ec);
    }
    temp = (fs::path(final_path).parent_path() /
            (".omm-part-" + request_id.substr(6) + "-" + fs::path(final_path).filename().string()))
               .string();
  }
  auto cleanup = [&] { std::remove(temp.c_str()); };

  // Image operations with their watermark images; a trailing blindwatermark runs in the vision
  // engine on the image engine's result.
  size_t n = plan.operations.size();
  bool embed = plan.has_embed();
  size_t basic_end = embed ? n - 1 : n;
  json watermark_images = json::object();
  for (const auto& op : plan.operations) {
    if (op.spec->name != std::string_view("watermark")) continue;
    if (const core::Param* img = op.find("image")) {
      // With preprocessing the value reads "<key>?x-oss-process=image/…": the key is before '?'.
      const std::string& value = img->as_text();
      std::string key = value.substr(0, value.find('?'));
      auto p = store_.path_for(key);
      if (!p.ok() || !store_.head(key).ok()) {
        cleanup();
        return Status::error("invalid_argument.watermark.image",
                             fmt::format("the watermark image {} does not exist", key));
      }
      watermark_images[key] = *p;
      watermark_images[value] = *p;
    }
  }
  std::string input = *source;
  json metadata;
  std::string stage = temp;
  if (basic_end > 0) {
    Status err;
    EnginePool* pool = engine(kImageEngine, &err);
    if (!pool) {
      cleanup();
      return err;
    }
    std::string out = embed ? temp + ".stage." + format : temp;
    auto r = pool->run({{"input", input},
                        {"output", out},
                        {"format", format},
                        {"operations", operations_json(plan, 0, basic_end)},
                        {"options", {{"watermark_images", watermark_images}}}},
                       control);
    if (!r.ok()) {
      std::remove(out.c_str());
      cleanup();
      return r.status();
    }
    metadata = r->value("metadata", json::object());
    input = out;
  }
  if (embed) {
    Status err;
    EnginePool* pool = engine(kVisionEngine, &err);
    auto r = pool ? pool->run({{"input", input},
                               {"output", temp},
                               {"format", format},
                               {"operations", operations_json(plan, basic_end, n)},
                               {"options", {{"watermark_key", options_.watermark_key}}}},
                              control)
                  : Result<json>(err);
    if (input != *source) std::remove(input.c_str());
    if (!r.ok()) {
      cleanup();
      return r.status();
    }
    metadata = r->value("metadata", json::object());
  }
  if (context.cancelled && context.cancelled()) {
    cleanup();
    return Status::error("cancelled", "the call was cancelled");
  }
  result["mode"] = std::string(core::to_string(plan.output.mode));
  if (plan.output.mode == core::OutputMode::kSave) {
    auto info = store_.commit(temp, plan.output.target_key);
    if (!info.ok()) return info.status();
    result["target_key"] = plan.output.target_key;
    result["size"] = info->size;
  } else {
    std::error_code ec;
    fs::rename(temp, final_path, ec);
    if (ec) {
      cleanup();
      return io_error("cannot write the output", ec);
    }
    result["size"] = static_cast<std::uint64_t>(fs::file_size(final_path, ec));
    if (plan.output.mode == core::OutputMode::kDownload) {
      result["path"] = final_path;
    } else {
      result["url"] = result_url(plan, final_path);
    }
  }
  if (plan.output.mode != core::OutputMode::kUrl && !metadata.is_null())
    result["metadata"] = metadata;
  made.keep();
  return result;
}

}  // namespace omm::local

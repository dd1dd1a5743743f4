// OssExecutor, async side: x-oss-async-process jobs followed through IMM GetTask, job_status,
// and the blind-watermark extraction through IMM (see executor.h).
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/concat_rule.h"
#include "core/render.h"
#include "files/made_dirs.h"
#include "oss_backend/executor.h"

namespace omm::oss_backend {

namespace fs = std::filesystem;
using nlohmann::json;

Result<core::JobView> OssExecutor::start_async(const core::Plan& plan, const std::string& bucket,
                                               const std::string& key) {
  auto process = core::render_process_string(plan, bucket);
  if (!process) return Status::error("internal", "the plan has no process string");
  std::vector<std::string> warnings;
  if (plan.operations.front().spec->takes_inputs) {
    auto checked = check_concat_inputs(plan, bucket, key);
    if (!checked.ok()) return checked.status();
    warnings = std::move(*checked);
  }
  auto proj = project(bucket);
  if (!proj.ok()) return proj.status();
  auto task = client_->async_process(key, *process, bucket);
  if (!task.ok()) return task.status();
  OssJobRef ref{task_type_of(task->task_id), task->task_id, *proj, bucket,
                plan.output.target_key,      plan.tool};
  core::JobView view;
  view.id = encode_job_id(ref);
  view.fields = {{"operations", core::render_operations(plan)},
                 {"request_id", task->request_id},
                 {"task_id", task->task_id},
                 {"mode", std::string(core::to_string(plan.output.mode))}};
  if (!warnings.empty()) view.fields["validation_warnings"] = warnings;
  return view;
}

Result<core::JobView> OssExecutor::job(const std::string& id, std::chrono::milliseconds wait,
                                       const core::RunContext& context) {
  auto ref = decode_job_id(id);
  if (!ref.ok()) return ref.status();
  core::JobView view;
  view.id = id;
  std::optional<core::Plan> plan;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = started_.find(id); it != started_.end()) {
      view.fields = it->second.fields;
      plan = it->second.plan;
    }
  }
  if (!view.fields.contains("task_id")) view.fields["task_id"] = ref->task_id;
  auto r = follow(*ref, std::move(view), wait, plan ? &*plan : nullptr, context);
  if (r.ok() && r->terminal()) {
    std::lock_guard<std::mutex> lock(mu_);
    started_.erase(id);  // delivered: nothing more to remember
  }
  return r;
}

Result<core::JobView> OssExecutor::cancel_job(const std::string& id, std::chrono::milliseconds) {
  auto ref = decode_job_id(id);
  if (!ref.ok()) return ref.status();
  return Status::error("job.cancel_unsupported",
                       fmt::format("job {} runs in IMM ({}), which offers no way to cancel a "
                                   "task; it ends on its own",
                                   id.substr(0, 80), ref->task_id));
}

// The concat rule (DESIGN.md "Rules the core enforces") on this backend: each input's
// video/info (audio/info) — one GET per input, in playing order — compared as the local backend
// compares its probes (local::check_concat): a difference is an error naming every input's value,
// or a warning when the request fixes that property.
Result<std::vector<std::string>> OssExecutor::check_concat_inputs(const core::Plan& plan,
                                                                  const std::string& bucket,
                                                                  const std::string& key) {
  const core::Operation& op = plan.operations.front();
  const std::string info = op.spec->prefix == "audio" ? "audio/info" : "video/info";
  std::vector<core::MediaSummary> summaries;
  std::vector<std::string> names;
  for (const core::ConcatSlot& slot : core::concat_order(op)) {
    const bool source = slot.input < 0;
    const std::string k = source ? key : op.inputs[static_cast<size_t>(slot.input)].key;
    oss::OssRequest req;
    req.method = "GET";
    req.bucket = bucket;
    req.key = k;
    req.query = {{"x-oss-process", info}};
    req.operation = "GetObject(" + info + ")";
    auto r = client_->execute(req);
    if (!r.ok()) return r.status();
    json answer = json::parse(r->body, nullptr, false);
    if (!answer.is_object()) {
      return Status::error("oss.response", fmt::format("the {} answer of {} is not JSON", info, k));
    }
    summaries.push_back(core::summarize_oss_info(answer));
    names.push_back(source ? plan.source.value : k);
  }
  return core::check_concat(op, summaries, names);
}

Result<core::JobView> OssExecutor::follow(const OssJobRef& ref, core::JobView view,
                                          std::chrono::milliseconds wait, const core::Plan* plan,
                                          const core::RunContext& context) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::chrono::milliseconds step{100};
  json& result = view.fields;
  result["tool"] = ref.tool;
  result["target_key"] = ref.target_key;
  const core::OutputShape shape = core::output_shape_of_tool(ref.tool);
  for (;;) {
    auto task = imm_->get_task(ref.project, ref.task_type, ref.task_id);
    if (!task.ok()) return task.status();
    if (task->status == "Succeeded") {
      view.phase = core::JobPhase::kSucceeded;
      if (shape != core::OutputShape::kFile) {
        oss::ListOptions lo;
        lo.prefix = shape == core::OutputShape::kPlaylist
                        ? ref.target_key.substr(0, ref.target_key.rfind('.') == std::string::npos
                                                       ? ref.target_key.size()
                                                       : ref.target_key.rfind('.'))
                        : ref.target_key;
        lo.max_keys = 1000;
        auto listed = client_->list_objects_v2(lo, ref.bucket);
        if (listed.ok()) {
          json keys = json::array();
          for (const auto& o : listed->objects) keys.push_back(o.key);
          result["generated_keys"] = keys;
        }
      }
      if (plan != nullptr && !plan->output.path.empty() && shape == core::OutputShape::kFrames &&
          result.contains("generated_keys")) {
        // output.path names a directory that receives every frame (as on the local backend).
        auto dir = files_->resolve_download_path(plan->tool, plan->output.path);
        if (!dir.ok()) return dir.status();
        std::vector<std::string> written;
        files::MadeDirs made;  // taken back if a frame cannot be downloaded
        made.make(*dir);
        for (const auto& k : result["generated_keys"]) {
          const std::string key = k.get<std::string>();
          const std::string file = (fs::path(*dir) / fs::path(key).filename()).string();
          auto got = client_->get_object_to_file(key, file, {}, ref.bucket);
          if (!got.ok()) {
            std::error_code ec;
            for (const auto& w : written) fs::remove(w, ec);
            return got.status();
          }
          written.push_back(file);
        }
        made.keep();
        result["path"] = *dir;
      }
      if (plan != nullptr && !plan->output.path.empty() && shape == core::OutputShape::kFile) {
        auto path = files_->resolve_download_path(plan->tool, plan->output.path);
        if (!path.ok()) return path.status();
        files::MadeDirs made;  // taken back if the download fails
        made.make_parents_of(*path);
        auto got = client_->get_object_to_file(ref.target_key, *path, {}, ref.bucket);
        if (!got.ok()) return got.status();
        made.keep();
        result["path"] = got->path;
        result["size"] = got->size;
        result["metadata"] = metadata_(got->path);
      }
      return view;
    }
    if (task->status == "Failed" || task->status == "Cancelled" || task->status == "Canceled") {
      std::string code = task->code.empty() ? std::string("Failed") : task->code;
      view.phase = core::JobPhase::kFailed;
      view.error = Status::error(
          fmt::format("imm.task.{}", code),
          fmt::format("job {} ({}) failed: {} {}", view.id, ref.task_id, code, task->message));
      return view;
    }
    if (context.progress) {
      context.progress(std::clamp(task->progress, 0, 100) / 100.0,
                       fmt::format("{}%", task->progress));
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline || (context.cancelled && context.cancelled())) return view;
    // 100 ms, 200 ms, … up to poll_interval: short jobs end in a fraction of a second.
    auto nap = std::min<std::chrono::steady_clock::duration>(deadline - now, step);
    std::this_thread::sleep_for(nap);
    step = std::min<std::chrono::milliseconds>(step * 2, options_.poll_interval);
  }
}

Result<json> OssExecutor::run_extract(const core::Plan& plan, const std::string& bucket,
                                      const std::string& key, json result) {
  auto proj = project(bucket);
  if (!proj.ok()) return proj.status();
  std::string strength;
  if (const core::Param* s = plan.operations.front().find("s")) strength = s->as_text();
  auto task = imm_->create_decode_blind_watermark_task(
      *proj, fmt::format("oss://{}/{}", bucket, key), strength);
  if (!task.ok()) return task.status();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::chrono::milliseconds step{100};
  for (;;) {
    auto r = imm_->get_decode_blind_watermark_result(*proj, task->task_id);
    if (!r.ok()) return r.status();
    if (r->status == "Succeeded") {
      result["mode"] = "info";
      result["request_id"] = task->request_id;
      result["data"] = {{"found", !r->content.empty()},
                        {"content", r->content.empty() ? json(nullptr) : json(r->content)}};
      return result;
    }
    if (r->status == "Failed") {
      return Status::error(
          fmt::format("imm.task.{}", r->code.empty() ? "Failed" : r->code),
          fmt::format("the watermark extraction {} failed: {}", task->task_id, r->message));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::error(
          "imm.timeout",
          fmt::format("the watermark extraction {} did not finish in 120 s", task->task_id));
    }
    std::this_thread::sleep_for(step);
    step = std::min<std::chrono::milliseconds>(step * 2, options_.poll_interval);
  }
}

}  // namespace omm::oss_backend

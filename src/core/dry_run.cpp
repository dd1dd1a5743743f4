#include "core/dry_run.h"

#include <nlohmann/json.hpp>

#include "core/render.h"

namespace omm::core {

std::string_view plan_api(const Plan& plan) {
  switch (plan.kind()) {
    case OpKind::kExtract:
      return "imm:CreateDecodeBlindWatermarkTask";
    case OpKind::kTransfer:
      return plan.tool == "object_upload" ? "PutObject" : "GetObject";
    default:
      break;
  }
  return plan.category == Category::kAsync ? "x-oss-async-process" : "x-oss-process";
}

nlohmann::json dry_run_result(const Plan& plan, std::string_view bucket) {
  using nlohmann::json;
  std::string_view effective = plan.bucket ? std::string_view(*plan.bucket) : bucket;
  std::optional<std::string> process = render_process_string(plan, effective);
  std::optional<std::string> saveas = plan_saveas(plan, effective);
  json out = {
      {"success", true},
      {"dry_run", true},
      {"tool", plan.tool},
      {"category", to_string(plan.category)},
      {"operations", render_operations(plan)},
      {"process_string", process ? json(*process) : json(nullptr)},
      {"saveas", saveas ? json(*saveas) : json(nullptr)},
      {"api", plan_api(plan)},
      {"source", {{plan.source.kind == Source::Kind::kKey ? "key" : "uri", plan.source.value}}}};
  if (plan.output.mode != OutputMode::kNone) out["mode"] = to_string(plan.output.mode);
  if (!plan.output.target_key.empty()) out["target_key"] = plan.output.target_key;
  if (!plan.output.path.empty()) out["path"] = plan.output.path;
  if (plan.output.expires) out["expires"] = *plan.output.expires;
  if (!effective.empty()) out["bucket"] = effective;
  if (plan.wait_seconds) out["wait_seconds"] = *plan.wait_seconds;
  if (plan.verify) out["verify"] = true;
  return out;
}

}  // namespace omm::core

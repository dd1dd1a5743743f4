#include "core/plan.h"

#include <nlohmann/json.hpp>

namespace omm::core {

std::string_view to_string(OutputMode m) {
  switch (m) {
    case OutputMode::kNone:
      return "none";
    case OutputMode::kUrl:
      return "url";
    case OutputMode::kDownload:
      return "download";
    case OutputMode::kSave:
      return "save";
  }
  return "?";
}

bool Plan::has_embed() const {
  for (const Operation& op : operations) {
    if (op.spec->kind == OpKind::kEmbed) return true;
  }
  return false;
}

Work work_of(const Plan& plan) {
  const OpSpec& op = *plan.operations.front().spec;
  switch (op.kind) {
    case OpKind::kBasic:
    case OpKind::kEmbed:
      return Work::kImage;
    case OpKind::kInspect:
      return Work::kInspect;
    case OpKind::kDetect:
      return Work::kDetect;
    case OpKind::kExtract:
      return Work::kExtract;
    case OpKind::kMedia:
      return Work::kMedia;
    case OpKind::kTransfer:
      return op.name == "upload" ? Work::kUpload : Work::kDownload;
  }
  return Work::kImage;
}

OutputShape output_shape_of_tool(std::string_view tool) {
  if (tool == "video_frames") return OutputShape::kFrames;
  if (tool == "hls_playlist") return OutputShape::kPlaylist;
  return OutputShape::kFile;
}

OutputShape output_shape(const Plan& plan) { return output_shape_of_tool(plan.tool); }

nlohmann::json plan_to_json(const Plan& plan) {
  using nlohmann::json;
  json ops = json::array();
  for (const Operation& op : plan.operations) {
    json params = json::array();
    for (const Param& p : op.params) {
      params.push_back(
          {{"name", p.name()},
           {"value", p.is_int()                            ? json(p.as_int())
                     : p.spec->type == ParamType::kDecimal ? json(std::stod(p.as_text()))
                                                           : json(p.as_text())}});
    }
    json item = {{"op", op.spec->name}, {"params", params}};
    if (op.spec->takes_inputs) {
      json inputs = json::array();
      for (const ConcatInput& in : op.inputs) {
        json i = {{"position", to_string(in.position)}, {"key", in.key}};
        if (in.ss) i["ss"] = *in.ss;
        if (in.t) i["t"] = *in.t;
        inputs.push_back(i);
      }
      item["inputs"] = inputs;
    }
    ops.push_back(item);
  }
  json out = {
      {"tool", plan.tool},
      {"category", to_string(plan.category)},
      {"source", {{plan.source.kind == Source::Kind::kKey ? "key" : "uri", plan.source.value}}},
      {"operations", ops},
      {"output",
       {{"mode", to_string(plan.output.mode)},
        {"path", plan.output.path},
        {"target_key", plan.output.target_key}}},
      {"no_download", plan.no_download},
      {"dry_run", plan.dry_run},
      {"verify", plan.verify}};
  if (plan.output.expires) out["output"]["expires"] = *plan.output.expires;
  if (plan.bucket) out["bucket"] = *plan.bucket;
  if (plan.region) out["region"] = *plan.region;
  if (plan.wait_seconds) out["wait_seconds"] = *plan.wait_seconds;
  if (plan.endpoint) out["endpoint"] = *plan.endpoint;
  if (plan.imm_project) out["imm_project"] = *plan.imm_project;
  if (plan.timeout_seconds) out["timeout_seconds"] = *plan.timeout_seconds;
  return out;
}

}  // namespace omm::core

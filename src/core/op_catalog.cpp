#include "core/op_catalog.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace omm::core {
namespace {

constexpr std::string_view kProcessArgs[] = {"source", "operations", "output",  "no_download",
                                             "bucket", "region",     "dry_run", "verify"};
constexpr std::string_view kInspectArgs[] = {"source", "what", "bucket", "region", "dry_run"};
constexpr std::string_view kDetectArgs[] = {"source", "detect", "bucket", "region", "dry_run"};
constexpr std::string_view kExtractArgs[] = {"source", "wait_seconds", "bucket", "region",
                                             "dry_run"};
constexpr std::string_view kAsyncArgs[] = {"source", "output",  "no_download",  "bucket",
                                           "region", "dry_run", "wait_seconds", "verify"};
constexpr std::string_view kConcatArgs[] = {"kind",         "source", "inputs", "output",
                                            "no_download",  "bucket", "region", "dry_run",
                                            "wait_seconds", "verify"};
constexpr std::string_view kSnapshotArgs[] = {"source", "output",  "no_download", "bucket",
                                              "region", "dry_run", "verify"};
constexpr std::string_view kInfoArgs[] = {"source", "kind", "bucket", "region", "dry_run"};
constexpr std::string_view kHlsArgs[] = {"source", "output", "no_download",
                                         "bucket", "region", "dry_run"};
constexpr std::string_view kUploadArgs[] = {"uri", "target_key", "bucket", "region"};
constexpr std::string_view kDownloadArgs[] = {"key", "path", "bucket", "region"};

constexpr ToolSpec kTools[] = {
    {"image_process", OutputRule::kSync, kProcessArgs, false},
    {"image_inspect", OutputRule::kNone, kInspectArgs, true},
    {"image_detect", OutputRule::kNone, kDetectArgs, true},
    {"image_watermark_extract", OutputRule::kNone, kExtractArgs, true},
    {"video_transcode", OutputRule::kAsync, kAsyncArgs, false},
    {"video_snapshot", OutputRule::kSync, kSnapshotArgs, false},
    {"video_frames", OutputRule::kAsync, kAsyncArgs, false},
    {"video_sprite", OutputRule::kAsync, kAsyncArgs, false},
    {"video_animation", OutputRule::kAsync, kAsyncArgs, false},
    {"media_concat", OutputRule::kAsync, kConcatArgs, false},
    {"media_info", OutputRule::kNone, kInfoArgs, true},
    {"audio_transcode", OutputRule::kAsync, kAsyncArgs, false},
    {"hls_playlist", OutputRule::kUrlOnly, kHlsArgs, true},
    {"object_upload", OutputRule::kTransfer, kUploadArgs, false},
    {"object_download", OutputRule::kTransfer, kDownloadArgs, true},
};

const std::vector<OpSpec>& catalog() {
  static const std::vector<OpSpec> kAll = [] {
    std::vector<OpSpec> all;
    for (auto family : {image_ops(), video_ops(), audio_ops(), transfer_ops()}) {
      all.insert(all.end(), family.begin(), family.end());
    }
    return all;
  }();
  return kAll;
}

nlohmann::json param_to_json(const ParamSpec& p) {
  nlohmann::json j = {{"name", p.name}, {"type", to_string(p.type)}, {"required", p.required}};
  if ((p.type == ParamType::kInt || p.type == ParamType::kDecimal) && p.int_values.empty()) {
    j["minimum"] = p.min;
    if (p.max != kNoMax) j["maximum"] = p.max;
  }
  if (!p.int_values.empty()) {
    j["enum"] = std::vector<std::int64_t>(p.int_values.begin(), p.int_values.end());
  }
  if (!p.values.empty()) {
    j["enum"] = std::vector<std::string>(p.values.begin(), p.values.end());
  }
  if (!p.aliases.empty()) {
    nlohmann::json aliases = nlohmann::json::object();
    for (const ValueAlias& a : p.aliases) aliases[std::string(a.from)] = a.to;
    j["value_aliases"] = aliases;
  }
  if (p.type == ParamType::kSize) {
    j["side_minimum"] = p.min;
    j["side_maximum"] = p.max;
    j["even"] = p.even;
  }
  if (p.type == ParamType::kText || p.type == ParamType::kToken ||
      p.type == ParamType::kPreprocess) {
    j["min_length"] = p.min;
    j["max_length"] = p.max;
    j["length_unit"] = p.chars ? "characters" : "bytes";
  }
  j["wire"] = p.encoding == WireEncoding::kBase64 ? "base64url" : "plain";
  j["note"] = p.note;
  return j;
}

}  // namespace

std::span<const OpSpec> transfer_ops() {
  static const OpSpec kOps[] = {
      OpSpec{.name = "upload",
             .skill_name = "upload",
             .prefix = "",
             .action = "upload",
             .tool = "object_upload",
             .kind = OpKind::kTransfer},
      OpSpec{.name = "download",
             .skill_name = "download",
             .prefix = "",
             .action = "download",
             .tool = "object_download",
             .kind = OpKind::kTransfer},
  };
  return kOps;
}

std::span<const OpSpec> all_ops() { return catalog(); }

const OpSpec* find_op(std::string_view name) {
  for (const OpSpec& op : catalog()) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

const OpSpec* find_op_by_skill_name(std::string_view name) {
  for (const OpSpec& op : catalog()) {
    if (op.skill_name == name) return &op;
  }
  return find_op(name);
}

std::span<const ParamSpec> op_params(std::string_view op) {
  const OpSpec* spec = find_op(op);
  return spec == nullptr ? std::span<const ParamSpec>() : spec->params;
}

const ParamSpec* find_param(const OpSpec& op, std::string_view name) {
  for (const ParamSpec& p : op.params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<const OpSpec*> ops_for_tool(std::string_view tool) {
  std::vector<const OpSpec*> out;
  for (const OpSpec& op : catalog()) {
    if (op.tool == tool) out.push_back(&op);
  }
  return out;
}

std::span<const ToolSpec> all_tools() { return kTools; }

const ToolSpec* find_tool(std::string_view name) {
  for (const ToolSpec& t : kTools) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string_view> skill_op_names() {
  std::vector<std::string_view> names;
  for (const OpSpec& op : catalog()) names.push_back(op.skill_name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::kInt:
      return "integer";
    case ParamType::kDecimal:
      return "number";
    case ParamType::kEnum:
      return "enum";
    case ParamType::kColor:
      return "color";
    case ParamType::kSize:
      return "size";
    case ParamType::kText:
      return "text";
    case ParamType::kKey:
      return "key";
    case ParamType::kToken:
      return "token";
    case ParamType::kPreprocess:
      return "preprocess";
  }
  return "?";
}

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::kBasic:
      return "basic";
    case OpKind::kEmbed:
      return "embed";
    case OpKind::kInspect:
      return "inspect";
    case OpKind::kDetect:
      return "detect";
    case OpKind::kExtract:
      return "extract";
    case OpKind::kMedia:
      return "media";
    case OpKind::kTransfer:
      return "transfer";
  }
  return "?";
}

std::string_view to_string(Category c) { return c == Category::kAsync ? "async" : "sync"; }

std::string_view to_string(OutputRule r) {
  switch (r) {
    case OutputRule::kNone:
      return "none";
    case OutputRule::kSync:
      return "url|download|save";
    case OutputRule::kAsync:
      return "save";
    case OutputRule::kUrlOnly:
      return "url";
    case OutputRule::kTransfer:
      return "transfer";
  }
  return "?";
}

nlohmann::json catalog_to_json() {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpSpec& op : catalog()) {
    nlohmann::json params = nlohmann::json::array();
    for (const ParamSpec& p : op.params) params.push_back(param_to_json(p));
    nlohmann::json aliases = nlohmann::json::object();
    for (const KeyAlias& a : op.cli_aliases) aliases[std::string(a.from)] = a.to;
    ops.push_back({{"name", op.name},
                   {"skill_name", op.skill_name},
                   {"tool", op.tool},
                   {"kind", to_string(op.kind)},
                   {"category", to_string(op.category)},
                   {"prefix", op.prefix},
                   {"action", op.action},
                   {"value_only", op.value_only},
                   {"takes_inputs", op.takes_inputs},
                   {"params", params},
                   {"cli_aliases", aliases},
                   {"rules", op.rules}});
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const ParamSpec& p : concat_input_params()) inputs.push_back(param_to_json(p));
  nlohmann::json tools = nlohmann::json::array();
  for (const ToolSpec& t : kTools) {
    tools.push_back({{"name", t.name},
                     {"output", to_string(t.output)},
                     {"args", std::vector<std::string>(t.args.begin(), t.args.end())},
                     {"read_only", t.read_only}});
  }
  return {{"operations", ops},
          {"concat_inputs", inputs},
          {"tools", tools},
          {"max_concat_inputs", kMaxConcatInputs}};
}

}  // namespace omm::core

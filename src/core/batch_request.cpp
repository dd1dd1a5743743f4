#include "core/batch_request.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <set>

#include "core/ascii.h"
#include "core/error_scope.h"
#include "core/object_key.h"
#include "core/plan_from_tool.h"

namespace omm::core {

using nlohmann::json;

namespace {

constexpr std::string_view kBatchTools[] = {"image_process",  "image_inspect", "image_detect",
                                            "video_snapshot", "media_info",    "video_transcode",
                                            "audio_transcode"};
constexpr std::string_view kReadOnly[] = {"image_inspect", "image_detect", "media_info"};
constexpr std::string_view kAsyncTools[] = {"video_transcode", "audio_transcode"};

const ErrorScope& scope() {
  static const ErrorScope kScope("batch_process");
  return kScope;
}

bool contains(std::span<const std::string_view> list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// A prefix is a key that may end with '/' (or be empty: the whole bucket).
Status check_prefix(const std::string& prefix, std::string_view field) {
  if (prefix.empty()) return Status::ok();
  std::string as_key = prefix.back() == '/' ? prefix.substr(0, prefix.size() - 1) : prefix;
  if (as_key.empty()) {
    return scope().error(field, fmt::format("{} must not be \"/\"", field));
  }
  return check_object_key(as_key, scope(), field);
}

// The format the arguments give the output, if any ("webp", "mp4", …).
std::optional<std::string> output_format(const BatchRequest& r) {
  std::optional<std::string> format;
  if (r.tool == "image_process") {
    for (const json& op : r.arguments.value("operations", json::array())) {
      if (op.is_object() && op.value("op", "") == "format" && op.contains("value") &&
          op["value"].is_string()) {
        format = op["value"].get<std::string>();
      }
    }
  } else if (auto f = r.arguments.find("f"); f != r.arguments.end() && f->is_string()) {
    format = f->get<std::string>();
  }
  if (format == "jpeg") format = "jpg";
  return format;
}

// The key relative to the source prefix, its extension changed to the output format.
std::string relative_output(const BatchRequest& r, const std::string& key) {
  std::string rel = r.by_prefix && key.rfind(r.prefix, 0) == 0 ? key.substr(r.prefix.size()) : key;
  if (auto format = output_format(r)) {
    std::size_t slash = rel.rfind('/');
    std::size_t dot = rel.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) {
      rel.resize(dot);
    }
    rel += "." + *format;
  }
  return rel;
}

}  // namespace

bool batch_tool_is_read_only(std::string_view tool) { return contains(kReadOnly, tool); }

Result<BatchRequest> parse_batch_request(const json& args, const PlanOptions& options) {
  const ErrorScope& s = scope();
  BatchRequest r;
  r.tool = args.value("tool", "");
  if (!contains(kBatchTools, r.tool)) {
    return s.error("tool", fmt::format("tool must be one of image_process, image_inspect, "
                                       "image_detect, video_snapshot, media_info, "
                                       "video_transcode, audio_transcode, got {}",
                                       quote_text(r.tool)));
  }
  const json source = args.value("source", json::object());
  const bool has_prefix = source.contains("prefix");
  const bool has_keys = source.contains("keys");
  if (has_prefix == has_keys) {
    return s.error("source", "source takes exactly one of prefix (with suffixes), keys");
  }
  if (has_prefix) {
    r.prefix = source.value("prefix", "");
    if (Status st = check_prefix(r.prefix, "prefix"); !st) {
      return scope().nested("source").error("prefix", st.message());
    }
    for (const json& suffix : source.value("suffixes", json::array())) {
      std::string text = suffix.is_string() ? suffix.get<std::string>() : std::string();
      if (text.empty() || text.size() > 16) {
        return s.nested("source").error(
            "suffixes",
            fmt::format("suffixes must be 1..16 characters each, got {}", quote_text(text)));
      }
      r.suffixes.push_back(to_lower(text));
    }
  } else {
    r.by_prefix = false;
    const json keys = source.value("keys", json::array());
    if (!keys.is_array() || keys.empty() ||
        static_cast<std::int64_t>(keys.size()) > kMaxBatchItems) {
      return s.nested("source").error(
          "keys", fmt::format("keys must list 1..{} object keys", kMaxBatchItems));
    }
    std::set<std::string> seen;
    for (const json& k : keys) {
      std::string key = k.is_string() ? k.get<std::string>() : std::string();
      if (Status st = check_object_key(key, s.nested("source"), "keys"); !st) return st;
      if (seen.insert(key).second) r.keys.push_back(key);
    }
  }
  r.arguments = args.value("arguments", json::object());
  if (!r.arguments.is_object()) return s.error("arguments", "arguments must be an object");
  for (const char* own : {"source", "output", "dry_run", "wait_seconds", "bucket", "region"}) {
    if (r.arguments.contains(own)) {
      return s.nested("arguments")
          .error(own, fmt::format("{} belongs to batch_process itself, not to arguments", own));
    }
  }
  const bool read_only = batch_tool_is_read_only(r.tool);
  if (auto out = args.find("output"); out != args.end() && !out->is_null()) {
    const std::string mode = out->value("mode", "");
    if (read_only) {
      return s.error("output", fmt::format("{} writes nothing: its results are collected per "
                                           "item; leave output out",
                                           r.tool));
    }
    if (mode == "save") {
      r.output = BatchRequest::Output::kSave;
      r.target_prefix = out->value("target_prefix", "");
      if (r.target_prefix.empty()) {
        return s.nested("output").error("target_prefix",
                                        "target_prefix is required when output.mode is \"save\"");
      }
      if (Status st = check_prefix(r.target_prefix, "target_prefix"); !st) {
        return scope().nested("output").error("target_prefix", st.message());
      }
    } else if (mode == "download") {
      if (contains(kAsyncTools, r.tool)) {
        return s.nested("output").error(
            "mode", fmt::format("{} saves its results: use output.mode \"save\"", r.tool));
      }
      r.output = BatchRequest::Output::kDownload;
      r.path = out->value("path", "");
      if (r.path.empty()) {
        return s.nested("output").error("path",
                                        "path (a directory) is required when output.mode is "
                                        "\"download\"");
      }
    } else {
      return s.nested("output").error(
          "mode",
          fmt::format("output.mode must be one of save, download, got {}", quote_text(mode)));
    }
  } else if (!read_only) {
    return s.error("output", fmt::format("{} needs output: {{\"mode\":\"save\",\"target_prefix\":"
                                         "…}} or {{\"mode\":\"download\",\"path\":…}}",
                                         r.tool));
  }
  r.batch_id = args.value("batch_id", "");
  if (!r.batch_id.empty()) {
    bool ok = r.batch_id.size() <= 64 && r.batch_id.find_first_not_of(
                                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_-") == std::string::npos;
    if (!ok) {
      return s.error("batch_id", fmt::format("batch_id must be 1..64 characters of A-Z, a-z, "
                                             "0-9, '_', '-', got {}",
                                             quote_text(r.batch_id)));
    }
  }
  r.max_items = args.value("max_items", kMaxBatchItems);
  if (r.max_items < 1 || r.max_items > kMaxBatchItems) {
    return s.error("max_items",
                   fmt::format("max_items must be 1..{}, got {}", kMaxBatchItems, r.max_items));
  }
  if (auto w = args.find("wait_seconds"); w != args.end() && w->is_number_integer()) {
    r.wait_seconds = w->get<std::int64_t>();
    if (*r.wait_seconds < 0 || *r.wait_seconds > options.max_wait_seconds) {
      return s.error("wait_seconds", fmt::format("wait_seconds must be 0..{}, got {}",
                                                 options.max_wait_seconds, *r.wait_seconds));
    }
  }
  r.dry_run = args.value("dry_run", false);
  if (auto b = args.find("bucket"); b != args.end() && b->is_string()) r.bucket = *b;
  if (auto g = args.find("region"); g != args.end() && g->is_string()) r.region = *g;
  return r;
}

bool batch_selects(const BatchRequest& r, std::string_view key) {
  if (!r.by_prefix) return true;
  if (key.substr(0, r.prefix.size()) != r.prefix) return false;
  if (r.suffixes.empty()) return true;
  std::string k = to_lower(std::string(key));
  for (const std::string& s : r.suffixes) {
    if (k.size() >= s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0) return true;
  }
  return false;
}

std::string batch_item_output(const BatchRequest& r, const std::string& key) {
  switch (r.output) {
    case BatchRequest::Output::kSave:
      return r.target_prefix + relative_output(r, key);
    case BatchRequest::Output::kDownload: {
      std::string dir = r.path;
      if (!dir.empty() && dir.back() != '/') dir += '/';
      return dir + relative_output(r, key);
    }
    case BatchRequest::Output::kNone:
      break;
  }
  return {};
}

Result<Plan> batch_item_plan(const BatchRequest& r, const std::string& key,
                             const PlanOptions& options) {
  json args = r.arguments;
  args["source"] = {{"key", key}};
  if (r.bucket) args["bucket"] = *r.bucket;
  if (r.region) args["region"] = *r.region;
  switch (r.output) {
    case BatchRequest::Output::kSave:
      args["output"] = {{"mode", "save"}, {"target_key", batch_item_output(r, key)}};
      break;
    case BatchRequest::Output::kDownload:
      args["output"] = {{"mode", "download"}, {"path", batch_item_output(r, key)}};
      break;
    case BatchRequest::Output::kNone:
      break;
  }
  return plan_from_tool(r.tool, args, options);
}

json batch_definition(const BatchRequest& r) {
  json source =
      r.by_prefix ? json{{"prefix", r.prefix}, {"suffixes", r.suffixes}} : json{{"keys", r.keys}};
  json output = nullptr;
  if (r.output == BatchRequest::Output::kSave) {
    output = {{"mode", "save"}, {"target_prefix", r.target_prefix}};
  } else if (r.output == BatchRequest::Output::kDownload) {
    output = {{"mode", "download"}, {"path", r.path}};
  }
  return json{{"tool", r.tool},
              {"source", source},
              {"arguments", r.arguments},
              {"output", output},
              {"bucket", r.bucket ? json(*r.bucket) : json(nullptr)}};
}

}  // namespace omm::core

#include "core/request_rules.h"

#include <spdlog/fmt/fmt.h>

#include "core/error_scope.h"
#include "core/field_checks.h"

namespace omm::core {
namespace {

constexpr std::string_view kAllModes[] = {"url", "download", "save"};
constexpr std::int64_t kMaxTimeoutSeconds = 86400;

std::optional<OutputMode> parse_mode(std::string_view text) {
  if (text == "url") return OutputMode::kUrl;
  if (text == "download") return OutputMode::kDownload;
  if (text == "save") return OutputMode::kSave;
  return std::nullopt;
}

bool mode_allowed(OutputRule rule, OutputMode mode) {
  switch (rule) {
    case OutputRule::kSync:
      return true;
    case OutputRule::kAsync:
      return mode == OutputMode::kSave;
    case OutputRule::kUrlOnly:
      return mode == OutputMode::kUrl;
    default:
      return false;
  }
}

Result<OutputMode> resolve_mode(const RawRequest& raw, const Plan& plan, OutputRule rule,
                                const ErrorScope& out) {
  std::string text = raw.output_mode.value_or(rule == OutputRule::kAsync ? "save" : "url");
  std::optional<OutputMode> mode = parse_mode(text);
  if (!mode) {
    return out.error(
        "mode", fmt::format("mode must be one of {}, got {}", join(kAllModes), quote_text(text)));
  }
  if (!mode_allowed(rule, *mode)) {
    std::string_view only = rule == OutputRule::kAsync
                                ? "save (it runs asynchronously; path also downloads the result)"
                                : "url";
    return out.error(
        "mode", fmt::format("mode of {} must be {}, got {}", plan.tool, only, quote_text(text)));
  }
  return *mode;
}

Status resolve_transfer_output(const RawRequest& raw, Plan& plan, const ErrorScope& scope) {
  bool upload = plan.tool == "object_upload";
  std::string_view natural = upload ? "save" : "download";
  if (raw.output_mode && *raw.output_mode != natural) {
    return scope.error("output.mode",
                       fmt::format("{} has no output mode other than {}, got {}", plan.tool,
                                   natural, quote_text(*raw.output_mode)));
  }
  if (raw.expires) return scope.error("expires", fmt::format("{} takes no expires", plan.tool));
  if (upload) {
    if (raw.output_path) return scope.error("path", "object_upload takes no path");
    plan.output.mode = OutputMode::kSave;
    plan.output.target_key = raw.target_key.value_or(default_upload_key(plan.source.value));
    return check_object_key(plan.output.target_key, scope, "target_key");
  }
  if (raw.no_download) return scope.error("no_download", "no_download forbids object_download");
  if (raw.target_key) return scope.error("target_key", "object_download takes no target_key");
  if (!raw.output_path) return scope.error("path", "path is required");
  plan.output.mode = OutputMode::kDownload;
  plan.output.path = *raw.output_path;
  return check_local_path(plan.output.path, scope, "path");
}

}  // namespace

Status resolve_source(const RawRequest& raw, Plan& plan) {
  ErrorScope scope(plan.tool);
  if (plan.tool == "object_upload") {
    if (raw.source_key) {
      return scope.error("key", "object_upload reads a local file or URL: give uri, not key");
    }
    if (!raw.source_uri) return scope.error("uri", "uri is required");
    plan.source = Source{Source::Kind::kUri, *raw.source_uri};
    return check_source_uri(*raw.source_uri, scope, "uri");
  }
  if (plan.tool == "object_download") {
    if (raw.source_uri) {
      return scope.error("uri", "object_download reads an object: give key, not uri");
    }
    if (!raw.source_key) return scope.error("key", "key is required");
    plan.source = Source{Source::Kind::kKey, *raw.source_key};
    return check_object_key(*raw.source_key, scope, "key");
  }
  if (!raw.source_key && !raw.source_uri) {
    return scope.error("source",
                       "source is required: {\"key\": <object key>} or {\"uri\": "
                       "<absolute path or http(s) URL>}");
  }
  if (raw.source_key && raw.source_uri) {
    return scope.error("source", "source takes exactly one of key, uri");
  }
  ErrorScope source = scope.nested("source");
  if (raw.source_key) {
    plan.source = Source{Source::Kind::kKey, *raw.source_key};
    return check_object_key(*raw.source_key, source, "key");
  }
  plan.source = Source{Source::Kind::kUri, *raw.source_uri};
  return check_source_uri(*raw.source_uri, source, "uri");
}

Status resolve_output(const RawRequest& raw, Plan& plan) {
  const ToolSpec& tool = *find_tool(plan.tool);
  ErrorScope scope(plan.tool);
  plan.no_download = raw.no_download;
  if (tool.output == OutputRule::kNone) {
    if (raw.output_given) {
      return scope.error("output", fmt::format("{} returns JSON and takes no output", plan.tool));
    }
    return Status::ok();
  }
  if (tool.output == OutputRule::kTransfer) return resolve_transfer_output(raw, plan, scope);

  ErrorScope out = scope.nested("output");
  Result<OutputMode> mode = resolve_mode(raw, plan, tool.output, out);
  if (!mode.ok()) return mode.status();
  bool async = tool.output == OutputRule::kAsync;
  if (raw.no_download && *mode == OutputMode::kDownload) {
    return out.error("mode", "no_download forbids mode \"download\"");
  }
  if (raw.no_download && raw.output_path) return out.error("path", "no_download forbids path");
  if (*mode == OutputMode::kUrl && plan.source.kind == Source::Kind::kUri) {
    return out.error("mode",
                     "url is refused for uri sources: the uploaded copy is deleted "
                     "after the call; use download or save");
  }
  if (*mode == OutputMode::kUrl && plan.has_embed()) {
    return out.error("mode",
                     "url is refused for chains with blindwatermark: the marked object "
                     "would have to outlive the call; use download or save");
  }
  if (*mode == OutputMode::kDownload && !raw.output_path) {
    return out.error("path", "path is required when output.mode is \"download\"");
  }
  if (*mode == OutputMode::kSave && !raw.target_key) {
    return out.error("target_key", "target_key is required when output.mode is \"save\"");
  }
  if (raw.output_path && !(*mode == OutputMode::kDownload || async)) {
    return out.error("path", fmt::format("path applies to output.mode \"download\", got mode {}",
                                         quote_text(to_string(*mode))));
  }
  if (raw.target_key && *mode != OutputMode::kSave) {
    return out.error("target_key", fmt::format("target_key applies to output.mode \"save\", got "
                                               "mode {}",
                                               quote_text(to_string(*mode))));
  }
  if (raw.expires && *mode != OutputMode::kUrl) {
    return out.error("expires", fmt::format("expires applies to output.mode \"url\", got mode {}",
                                            quote_text(to_string(*mode))));
  }
  if (raw.expires && (*raw.expires < 1 || *raw.expires > kMaxExpiresSeconds)) {
    return out.error(
        "expires", fmt::format("expires must be 1..{}, got {}", kMaxExpiresSeconds, *raw.expires));
  }
  if (raw.target_key) {
    if (Status s = check_object_key(*raw.target_key, out, "target_key"); !s) return s;
  }
  if (raw.output_path) {
    if (Status s = check_local_path(*raw.output_path, out, "path"); !s) return s;
  }
  if (plan.tool == "video_frames" && key_has_extension(*raw.target_key)) {
    return out.error("target_key", fmt::format("target_key of video_frames must have no "
                                               "extension (OSS numbers the frames, e.g. "
                                               "<key>_0_1.jpg), got {}",
                                               quote_text(*raw.target_key)));
  }
  if (raw.verify && *mode == OutputMode::kUrl) {
    return scope.error("verify",
                       "verify needs output.mode download or save; url mode reports "
                       "no metadata");
  }
  plan.output.mode = *mode;
  plan.output.path = raw.output_path.value_or("");
  plan.output.target_key = raw.target_key.value_or("");
  plan.output.expires = raw.expires;
  plan.verify = raw.verify;
  return Status::ok();
}

Status resolve_common(const RawRequest& raw, const PlanOptions& options, Plan& plan) {
  ErrorScope scope(plan.tool);
  if (raw.bucket) {
    if (Status s = check_bucket(*raw.bucket, scope, "bucket"); !s) return s;
  }
  if (raw.region) {
    if (Status s = check_region(*raw.region, scope, "region"); !s) return s;
  }
  if (raw.wait_seconds && (*raw.wait_seconds < 0 || *raw.wait_seconds > options.max_wait_seconds)) {
    return scope.error("wait_seconds", fmt::format("wait_seconds must be 0..{}, got {}",
                                                   options.max_wait_seconds, *raw.wait_seconds));
  }
  if (raw.endpoint) {
    if (Status s = check_endpoint(*raw.endpoint, scope, "endpoint"); !s) return s;
  }
  if (raw.imm_project) {
    if (Status s = check_imm_project(*raw.imm_project, scope, "imm_project"); !s) return s;
  }
  if (raw.timeout_seconds &&
      (*raw.timeout_seconds < 1 || *raw.timeout_seconds > kMaxTimeoutSeconds)) {
    return scope.error("timeout_seconds", fmt::format("timeout_seconds must be 1..{}, got {}",
                                                      kMaxTimeoutSeconds, *raw.timeout_seconds));
  }
  plan.bucket = raw.bucket;
  plan.region = raw.region;
  plan.wait_seconds = raw.wait_seconds;
  plan.dry_run = raw.dry_run;
  plan.endpoint = raw.endpoint;
  plan.imm_project = raw.imm_project;
  plan.timeout_seconds = raw.timeout_seconds;
  return Status::ok();
}

std::string default_upload_key(std::string_view uri) {
  std::string_view path = uri;
  if (std::size_t scheme = path.find("://"); scheme != std::string_view::npos) {
    path = path.substr(scheme + 3);
    std::size_t slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    path = path.substr(0, path.find_first_of("?#"));
  }
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return "upload";
  return std::string(name);
}

}  // namespace omm::core

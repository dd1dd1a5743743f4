#include "cli/process_args.h"

#include <cstdlib>

#include "cli/args.h"

namespace omm::cli {

namespace {

Status flag_error(const std::string& flag, const std::string& what) {
  return Status::error("invalid_argument.cli." + flag.substr(2), flag + " " + what);
}

std::optional<std::int64_t> parse_int(const std::string& v) {
  if (v.empty() || v.size() > 15) return std::nullopt;
  size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size()) return std::nullopt;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return std::nullopt;
  }
  return std::stoll(v);
}

std::string absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/' || path.rfind("http://", 0) == 0 ||
      path.rfind("https://", 0) == 0) {
    return path;
  }
  std::string base = cwd;
  if (!base.empty() && base.back() != '/') base += '/';
  return base + path;
}

}  // namespace

Result<ProcessArgs> parse_process_args(const std::vector<std::string>& args, const EnvLookup& env,
                                       const std::string& cwd) {
  ProcessArgs out;
  core::CliRequest& r = out.request;
  bool operations_seen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    FlagArg arg = split_flag(args[i]);
    const std::string flag = arg.flag;
    std::string& value = arg.value;
    const bool inline_value = arg.inline_value;
    auto need = [&](const char* what) -> Status {
      if (inline_value) return Status::ok();
      if (i + 1 >= args.size()) return flag_error(flag, std::string("needs ") + what);
      value = args[++i];
      return Status::ok();
    };
    if (flag == "--help" || flag == "-h") {
      out.help = true;
    } else if (flag == "--dry-run") {
      r.dry_run = true;
    } else if (flag == "--async" || flag == "--wait") {
      // Async operations are detected and waited for anyway (like process.py, which needs
      // neither flag); accepted so a command written for another client still runs.
      out.ignored_flags.push_back(flag);
    } else if (flag == "--no-download") {
      r.no_download = true;
    } else if (flag == "--allow-private-uri") {
      out.allow_private_uri = true;
    } else if (flag == "--max-fetch-bytes") {
      if (Status s = need("a number of bytes"); !s.is_ok()) return s;
      if (!parse_byte_count(value, &out.max_fetch_bytes)) {
        return flag_error(flag, "must be 1..1099511627776 bytes, got '" + value + "'");
      }
    } else if (flag == "--operations") {
      operations_seen = true;
      if (inline_value) r.operations.push_back(value);
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0)
        r.operations.push_back(args[++i]);
      if (r.operations.empty()) return flag_error(flag, "needs at least one operation");
    } else if (flag == "--source" || flag == "--uri" || flag == "--output-mode" ||
               flag == "--output-path" || flag == "--target-key" || flag == "--bucket" ||
               flag == "--region" || flag == "--endpoint" || flag == "--imm-project") {
      if (Status s = need("a value"); !s.is_ok()) return s;
      if (flag == "--source") r.source = value;
      if (flag == "--uri") r.uri = absolute(value, cwd);
      if (flag == "--output-mode") r.output_mode = value;
      if (flag == "--output-path") r.output_path = value;  // made absolute below
      if (flag == "--target-key") r.target_key = value;
      if (flag == "--bucket") r.bucket = value;
      if (flag == "--region") r.region = value;
      if (flag == "--endpoint") r.endpoint = value;
      if (flag == "--imm-project") r.imm_project = value;
    } else if (flag == "--root" || flag == "--output-dir" || flag == "--watermark-key") {
      if (Status s = need("a value"); !s.is_ok()) return s;
      if (flag == "--root") out.root = absolute(value, cwd);
      if (flag == "--output-dir") out.output_dir = absolute(value, cwd);
      if (flag == "--watermark-key") out.watermark_key = value;
    } else if (flag == "--max-duration") {
      if (Status s = need("a whole number of seconds"); !s.is_ok()) return s;
      auto n = parse_int(value);
      if (!n || *n < 0 || *n > 100000000) {
        return flag_error(flag, "must be 0..100000000 seconds (0: no limit), got '" + value + "'");
      }
      out.max_duration = *n;
    } else if (flag == "--expires" || flag == "--timeout-seconds") {
      if (Status s = need("a whole number of seconds"); !s.is_ok()) return s;
      auto n = parse_int(value);
      if (!n) return flag_error(flag, "must be a whole number of seconds, got '" + value + "'");
      if (flag == "--expires") r.expires = *n;
      if (flag == "--timeout-seconds") r.timeout_seconds = *n;
    } else {
      return Status::error("invalid_argument.cli", "unknown option '" + flag + "'");
    }
  }
  if (out.help) return out;
  // A relative --output-path lies under --output-dir when one is given (where downloads go),
  // else under the working directory.
  if (r.output_path) {
    r.output_path = absolute(*r.output_path, out.output_dir.empty() ? cwd : out.output_dir);
  }
  if (!operations_seen) {
    return Status::error("invalid_argument.cli.operations", "--operations is required");
  }
  if (!r.bucket) r.bucket = env("ALIBABA_CLOUD_OSS_BUCKET");
  if (!r.region) r.region = env("ALIBABA_CLOUD_OSS_REGION");
  if (!r.imm_project) r.imm_project = env("ALIBABA_CLOUD_IMM_PROJECT");
  if (!r.timeout_seconds) {
    if (auto t = env("ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS")) {
      auto n = parse_int(*t);
      if (!n) {
        return Status::error("invalid_argument.env.ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS",
                             "ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS must be a whole number of "
                             "seconds, got '" +
                                 *t + "'");
      }
      r.timeout_seconds = *n;
    }
  }
  if (r.bucket && r.bucket->empty()) r.bucket.reset();
  if (r.region && r.region->empty()) r.region.reset();
  return out;
}

}  // namespace omm::cli

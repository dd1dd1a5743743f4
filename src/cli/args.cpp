#include "cli/args.h"

#include <cstdlib>

namespace omm::cli {

namespace {

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    std::string item = v.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

bool parse_size(const std::string& v, size_t min, size_t max, size_t* out) {
  if (v.empty() || v.size() > 9) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  size_t n = std::stoul(v);
  if (n < min || n > max) return false;
  *out = n;
  return true;
}

Status flag_error(const std::string& flag, const std::string& what) {
  return Status::error("invalid_argument.cli." + flag.substr(2), flag + " " + what);
}

}  // namespace

bool parse_byte_count(const std::string& value, std::uint64_t* out) {
  if (value.empty() || value.size() > 13) return false;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
  }
  std::uint64_t n = std::stoull(value);
  if (n < 1 || n > (1ull << 40)) return false;
  *out = n;
  return true;
}

FlagArg split_flag(const std::string& arg) {
  FlagArg f;
  f.flag = arg;
  if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
    f.value = arg.substr(eq + 1);
    f.flag = arg.substr(0, eq);
    f.inline_value = true;
  }
  return f;
}

bool parse_listen(const std::string& value, std::string* host, int* port) {
  size_t colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = value.substr(0, colon);
  std::string p = value.substr(colon + 1);
  if (!h.empty() && h.front() == '[') {
    if (h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  }
  size_t n = 0;
  if (!parse_size(p, 0, 65535, &n)) return false;
  *host = h.empty() ? "127.0.0.1" : h;
  *port = static_cast<int>(n);
  return true;
}

Result<ServeArgs> parse_serve_args(const std::vector<std::string>& args) {
  ServeArgs a;
  if (const char* token = std::getenv("OSS_MEDIA_MCP_AUTH_TOKEN")) a.auth_token = token;
  for (size_t i = 0; i < args.size(); ++i) {
    FlagArg arg = split_flag(args[i]);
    const std::string flag = arg.flag;
    std::string& value = arg.value;
    const bool has_inline = arg.inline_value;
    auto need_value = [&]() -> bool {
      if (has_inline) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    if (flag == "--help" || flag == "-h") {
      a.help = true;
    } else if (flag == "--conformance-fixtures") {
      a.conformance_fixtures = true;
    } else if (flag == "--transport") {
      if (!need_value()) return flag_error(flag, "needs a value: stdio, http or sse");
      if (value != "stdio" && value != "http" && value != "sse") {
        return flag_error(flag, "must be one of stdio, http, sse, got '" + value + "'");
      }
      a.transport = value;
    } else if (flag == "--listen") {
      if (!need_value() || !parse_listen(value, &a.host, &a.port)) {
        return flag_error(flag, "must be HOST:PORT (e.g. 127.0.0.1:8765), got '" + value + "'");
      }
    } else if (flag == "--allowed-hosts") {
      if (!need_value()) return flag_error(flag, "needs a comma-separated list");
      a.allowed_hosts = split_list(value);
    } else if (flag == "--allowed-origins") {
      if (!need_value()) return flag_error(flag, "needs a comma-separated list");
      a.allowed_origins = split_list(value);
    } else if (flag == "--auth-token") {
      if (!need_value() || value.empty()) return flag_error(flag, "needs a non-empty token");
      a.auth_token = value;
    } else if (flag == "--log-level") {
      if (!need_value() || (value != "debug" && value != "info" && value != "warn" &&
                            value != "error" && value != "off")) {
        return flag_error(flag,
                          "must be one of debug, info, warn, error, off, got '" + value + "'");
      }
      a.log_level = value;
    } else if (flag == "--workers") {
      if (!need_value() || !parse_size(value, 1, 1024, &a.workers)) {
        return flag_error(flag, "must be 1..1024, got '" + value + "'");
      }
    } else if (flag == "--queue") {
      if (!need_value() || !parse_size(value, 0, 100000, &a.queue)) {
        return flag_error(flag, "must be 0..100000, got '" + value + "'");
      }
    } else if (flag == "--max-jobs") {
      if (!need_value() || !parse_size(value, 1, 256, &a.max_jobs)) {
        return flag_error(flag, "must be 1..256, got '" + value + "'");
      }
    } else if (flag == "--job-queue") {
      if (!need_value() || !parse_size(value, 0, 10000, &a.job_queue)) {
        return flag_error(flag, "must be 0..10000, got '" + value + "'");
      }
    } else if (flag == "--max-sessions") {
      if (!need_value() || !parse_size(value, 1, 100000, &a.max_sessions)) {
        return flag_error(flag, "must be 1..100000, got '" + value + "'");
      }
    } else if (flag == "--max-streams") {
      if (!need_value() || !parse_size(value, 1, 4096, &a.max_streams)) {
        return flag_error(flag, "must be 1..4096, got '" + value + "'");
      }
    } else if (flag == "--sse-keepalive") {
      if (!need_value() || !parse_size(value, 1, 300, &a.sse_keepalive)) {
        return flag_error(flag, "must be 1..300 seconds, got '" + value + "'");
      }
    } else if (flag == "--backend") {
      if (!need_value() || (value != "local" && value != "oss")) {
        return flag_error(flag, "must be one of local, oss, got '" + value + "'");
      }
      a.backend = value;
    } else if (flag == "--root" || flag == "--output-dir" || flag == "--input-dir" ||
               flag == "--watermark-key" || flag == "--state-dir") {
      if (!need_value() || value.empty()) return flag_error(flag, "needs a value");
      if (flag == "--state-dir") a.state_dir = value;
      if (flag == "--root") a.root = value;
      if (flag == "--output-dir") a.output_dir = value;
      if (flag == "--input-dir") a.input_dirs.push_back(value);
      if (flag == "--watermark-key") a.watermark_key = value;
    } else if (flag == "--bucket" || flag == "--region" || flag == "--endpoint" ||
               flag == "--imm-endpoint" || flag == "--imm-project") {
      if (!need_value() || value.empty()) return flag_error(flag, "needs a value");
      if (flag == "--bucket") a.bucket = value;
      if (flag == "--region") a.region = value;
      if (flag == "--endpoint") a.endpoint = value;
      if (flag == "--imm-endpoint") a.imm_endpoint = value;
      if (flag == "--imm-project") a.imm_project = value;
    } else if (flag == "--oss-signature") {
      if (!need_value() || (value != "v4" && value != "v1")) {
        return flag_error(flag, "must be one of v4, v1, got '" + value + "'");
      }
      a.oss_signature = value;
    } else if (flag == "--reveal-signed-urls") {
      a.reveal_signed_urls = true;
    } else if (flag == "--allow-private-uri") {
      a.allow_private_uri = true;
    } else if (flag == "--no-client-roots") {
      a.client_roots = false;
    } else if (flag == "--max-fetch-bytes") {
      if (!need_value() || !parse_byte_count(value, &a.max_fetch_bytes)) {
        return flag_error(flag, "must be 1..1099511627776 bytes, got '" + value + "'");
      }
    } else if (flag == "--multipart-threshold") {
      // OSS refuses parts below 100 KB (the last one excepted).
      if (!need_value() || !parse_byte_count(value, &a.multipart_threshold) ||
          a.multipart_threshold < 102400) {
        return flag_error(flag, "must be 102400..1099511627776 bytes, got '" + value + "'");
      }
    } else if (flag == "--max-duration") {
      if (!need_value() || !parse_size(value, 0, 100000000, &a.max_duration)) {
        return flag_error(flag, "must be 0..100000000 seconds (0: no limit), got '" + value + "'");
      }
    } else if (flag == "--page-size") {
      if (!need_value() || !parse_size(value, 1, 1000, &a.page_size)) {
        return flag_error(flag, "must be 1..1000, got '" + value + "'");
      }
    } else {
      return Status::error("invalid_argument.cli", "unknown option '" + flag + "'");
    }
  }
  return a;
}

}  // namespace omm::cli

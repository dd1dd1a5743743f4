#include "emulate/emulate_cli.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "cli/args.h"

namespace omm::emulate {

const char* const kEmulateUsage = R"(Usage:
  oss-media-mcp emulate --root DIR [options]

A local OSS + IMM endpoint on one loopback port: the OSS REST protocol (objects, listings,
multipart, x-oss-process, sys/saveas, x-oss-async-process) and the IMM RPC API (POST / with
x-acs-action), run by the local engines. Every request must be signed (OSS V4 or V1, IMM
ACS3) with the credentials below. See docs/emulate.md.

Options:
  --root DIR                 buckets are its subfolders (created by PutBucket or the first write)
  --listen HOST:PORT         also [IPv6]:PORT or :PORT; default 127.0.0.1:0 (port 0 picks a
                             free port); the bound address is printed on stdout as
                             "listening http://HOST:PORT"
Every flag also takes the form --flag=value.
  --access-key-id ID         else ALIBABA_CLOUD_ACCESS_KEY_ID
  --access-key-secret SECRET else ALIBABA_CLOUD_ACCESS_KEY_SECRET
  --security-token TOKEN     requests must then present this STS token
                             (else ALIBABA_CLOUD_SECURITY_TOKEN, if set)
  --region REGION            V4 signing region (default cn-hangzhou)
  --fault-5xx P              answer 503 ServiceUnavailable with probability P (0..1)
  --fault-drop P             close the connection before acting, probability P
  --fault-drop-after P       act, then close the connection without a response, probability P
  --latency-ms N             delay every request by N ms
  --seed N                   seed of the fault generator (reproducible faults)
  --watermark-key KEY        key of the local blind watermark
  --log-level LEVEL          debug|info|warn|error (default info)
)";

namespace {

Status flag_error(const std::string& flag, const std::string& message) {
  return Status::error("invalid_argument.emulate." + flag, "--" + flag + " " + message);
}

Result<double> probability(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
    return flag_error(flag, fmt::format("must be a probability 0..1, got '{}'", text));
  }
  return v;
}

Result<std::int64_t> integer(const std::string& flag, const std::string& text, std::int64_t max) {
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 0 || v > max) {
    return flag_error(flag, fmt::format("must be an integer 0..{}, got '{}'", max, text));
  }
  return static_cast<std::int64_t>(v);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Result<EmulateArgs> parse_emulate_args(const std::vector<std::string>& args) {
  EmulateArgs out;
  out.emulator.auth.region = "cn-hangzhou";
  std::string key_id = env("ALIBABA_CLOUD_ACCESS_KEY_ID");
  std::string secret = env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  std::string token = env("ALIBABA_CLOUD_SECURITY_TOKEN");
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      return out;
    }
    if (a.rfind("--", 0) != 0)
      return Status::error("invalid_argument.emulate", "unexpected argument '" + a + "'");
    const cli::FlagArg arg = cli::split_flag(a);
    const std::string flag = arg.flag.substr(2);
    if (!arg.inline_value && i + 1 >= args.size()) return flag_error(flag, "needs a value");
    const std::string v = arg.inline_value ? arg.value : args[++i];
    if (flag == "root") {
      out.emulator.root = v;
    } else if (flag == "listen") {
      std::string host;
      int port = 0;
      if (!cli::parse_listen(v, &host, &port)) {
        return flag_error(flag, fmt::format("must be HOST:PORT, [IPv6]:PORT or :PORT with a port "
                                            "0..65535, got '{}'",
                                            v));
      }
      out.listen.host = host;
      out.listen.port = port;
    } else if (flag == "access-key-id") {
      key_id = v;
    } else if (flag == "access-key-secret") {
      secret = v;
    } else if (flag == "security-token") {
      token = v;
    } else if (flag == "region") {
      if (v.empty()) return flag_error(flag, "must not be empty");
      out.emulator.auth.region = v.rfind("oss-", 0) == 0 ? v.substr(4) : v;
    } else if (flag == "fault-5xx" || flag == "fault-drop" || flag == "fault-drop-after") {
      auto p = probability(flag, v);
      if (!p.ok()) return p.status();
      (flag == "fault-5xx"    ? out.faults.error_5xx
       : flag == "fault-drop" ? out.faults.drop_before
                              : out.faults.drop_after) = *p;
    } else if (flag == "latency-ms") {
      auto n = integer(flag, v, 600000);
      if (!n.ok()) return n.status();
      out.faults.latency_ms = static_cast<int>(*n);
    } else if (flag == "seed") {
      auto n = integer(flag, v, INT64_MAX);
      if (!n.ok()) return n.status();
      out.faults.seed = static_cast<std::uint64_t>(*n);
    } else if (flag == "watermark-key") {
      out.emulator.watermark_key = v;
    } else if (flag == "log-level") {
      out.log_level = v;
    } else {
      return Status::error("invalid_argument.emulate", "unknown flag '" + arg.flag + "'");
    }
  }
  if (out.emulator.root.empty()) return flag_error("root", "is required");
  if (key_id.empty() || secret.empty()) {
    return Status::error("invalid_argument.emulate.credentials",
                         "give --access-key-id and --access-key-secret (or set "
                         "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)");
  }
  out.emulator.auth.credentials = {key_id, secret, token};
  return out;
}

int run_emulate(const std::vector<std::string>& args) {
  auto parsed = parse_emulate_args(args);
  if (!parsed.ok()) {
    std::fprintf(stderr,
                 "oss-media-mcp emulate: %s\nRun 'oss-media-mcp emulate --help' for usage.\n",
                 parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(kEmulateUsage, stdout);
    return 0;
  }
  auto logger = spdlog::stderr_logger_mt("emulate");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(parsed->log_level));
  auto emulator = Emulator::create(parsed->emulator);
  if (!emulator.ok()) {
    std::fprintf(stderr, "oss-media-mcp emulate: %s\n", emulator.status().to_string().c_str());
    return 1;
  }
  return serve_emulator(**emulator, parsed->listen, parsed->faults, [&](const std::string& url) {
    std::printf("listening %s\n", url.c_str());
    std::fflush(stdout);
    spdlog::info("emulate: listening on {} (root {}, region {})", url, parsed->emulator.root,
                 parsed->emulator.auth.region);
  });
}

}  // namespace omm::emulate

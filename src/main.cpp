// oss-media-mcp: command line entry point. The only place that picks concrete implementations.
//
//   oss-media-mcp [serve] [--transport stdio|http|sse] [--listen HOST:PORT] …
//   oss-media-mcp --help | --version
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/process_args.h"
#include "core/dry_run.h"
#include "core/plan_from_cli.h"
#include "mcp/http_transport.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "tools/conformance_fixtures.h"
#include "tools/docs_resources.h"
#include "tools/product_tools.h"
#include "tools/prompts.h"

namespace {

constexpr const char* kVersion = "0.1.0";

void setup_logging(const std::string& level);

constexpr const char* kUsage = R"(oss-media-mcp — process images, video and audio in Alibaba Cloud OSS or on this machine,
as a Model Context Protocol server.

Usage:
  oss-media-mcp [serve] [options]      run the MCP server (default: stdio)
  oss-media-mcp process [options]      run one request from the command line (the skill's
                                       process.py flags; see 'oss-media-mcp process --help')
  oss-media-mcp --help | --version

Serve options:
  --transport stdio|http|sse   stdio (default); http = Streamable HTTP at /mcp plus legacy
                               /sse + /messages; sse = the same listener (legacy clients)
  --listen HOST:PORT           HTTP address (default 127.0.0.1:8765; port 0 picks a free port)
  --allowed-hosts A,B          extra Host header values accepted (default: localhost only)
  --allowed-origins A,B        extra Origin values accepted (default: localhost only)
  --auth-token TOKEN           require "Authorization: Bearer TOKEN" on HTTP requests
                               (or set OSS_MEDIA_MCP_AUTH_TOKEN)
  --log-level LEVEL            stderr log level: debug|info|warn|error (default info)
  --workers N                  concurrent tool calls (default 16)
  --queue N                    waiting tool calls before "busy" (default 64)
  --conformance-fixtures       register the MCP conformance suite's fixtures (testing only)

Logs go to stderr; in stdio mode stdout carries protocol messages only.
)";

constexpr const char* kProcessUsage = R"(Usage:
  oss-media-mcp process (--source KEY | --uri PATH_OR_URL) --operations OP [OP ...]
                        [--output-mode url|download|save] [--output-path PATH] [--target-key KEY]
                        [--bucket B] [--region R] [--endpoint URL] [--expires SECONDS]
                        [--imm-project NAME] [--timeout-seconds N] [--no-download] [--dry-run]

Operations use the skill's string syntax, e.g. "resize:w=600" "watermark:text=© 2026,g=se"
"format:webp", "video/convert:f=mp4,vcodec=h264", "upload", "download".
Prints the same JSON result as the MCP tools; exits 1 on failure, 2 on bad flags.
)";

std::optional<std::string> env_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

omm::tools::ProductToolOptions product_options() {
  omm::tools::ProductToolOptions o;
  if (auto b = env_lookup("ALIBABA_CLOUD_OSS_BUCKET"); b && !b->empty()) {
    o.backend = "oss";
    o.bucket = *b;
  }
  return o;
}

void print_json(const nlohmann::json& j) {
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

int fail(const omm::Status& s) {
  print_json(nlohmann::json{{"success", false}, {"error", s.to_string()}, {"error_id", s.id()}});
  std::fprintf(stderr, "oss-media-mcp: %s\n", s.to_string().c_str());
  return 1;
}

int process(const std::vector<std::string>& args) {
  setup_logging("warn");
  char cwd[4096];
  std::string dir = ::getcwd(cwd, sizeof cwd) ? cwd : "/";
  auto parsed = omm::cli::parse_process_args(args, env_lookup, dir);
  if (!parsed.ok()) {
    std::fprintf(stderr, "oss-media-mcp process: %s\n%s", parsed.status().message().c_str(),
                 kProcessUsage);
    return 2;
  }
  if (parsed->help) {
    std::fputs(kProcessUsage, stdout);
    return 0;
  }
  auto plan = omm::core::plan_from_cli(parsed->request);
  if (!plan.ok()) return fail(plan.status());
  std::string bucket = plan->bucket.value_or("");
  if (plan->dry_run) {
    print_json(omm::core::dry_run_result(*plan, bucket));
    return 0;
  }
  return fail(omm::Status::error(
      "backend.unavailable",
      "this build cannot run " + plan->tool + " yet; --dry-run shows the plan"));
}

void setup_logging(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("oss-media-mcp", sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

int serve(const omm::cli::ServeArgs& a) {
  setup_logging(a.log_level);
  omm::mcp::ServerInfo info;
  info.version = kVersion;
  info.description = "Image, video and audio processing for Alibaba Cloud OSS and local files";
  omm::mcp::ServerOptions options;
  options.worker_threads = a.workers;
  options.queue_capacity = a.queue;
  if (a.page_size > 0) options.page_size = a.page_size;
  omm::mcp::Server server(info, options);
  omm::tools::register_product_tools(server, product_options());
  omm::tools::register_prompts(server);
  omm::tools::register_docs_resources(server);
  if (a.conformance_fixtures) omm::tools::register_conformance_fixtures(server);
  if (a.transport == "stdio") {
    return omm::mcp::serve_stdio(server);
  }
  omm::mcp::HttpOptions http;
  http.host = a.host;
  http.port = a.port;
  http.guard.allowed_hosts = a.allowed_hosts;
  http.guard.allowed_origins = a.allowed_origins;
  http.guard.auth_token = a.auth_token;
  return omm::mcp::serve_http(server, http);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("oss-media-mcp %s\n", kVersion);
    return 0;
  }
  std::string command = "serve";
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  if (command == "serve") {
    auto parsed = omm::cli::parse_serve_args(args);
    if (!parsed.ok()) {
      std::fprintf(stderr, "oss-media-mcp: %s\nRun 'oss-media-mcp --help' for usage.\n",
                   parsed.status().message().c_str());
      return 2;
    }
    if (parsed->help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    return serve(*parsed);
  }
  if (command == "process") return process(args);
  std::fprintf(stderr, "oss-media-mcp: unknown command '%s'\nRun 'oss-media-mcp --help' for usage.\n",
               command.c_str());
  return 2;
}

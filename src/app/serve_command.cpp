#include "app/serve_command.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "app/backend_setup.h"
#include "app/command_output.h"
#include "cli/oss_config.h"
#include "cli/usage.h"
#include "conformance/fixtures.h"
#include "conformance/output_path.h"
#include "core/executor.h"
#include "files/address_policy.h"
#include "local/file_links.h"
#include "local/state_dir.h"
#include "mcp/http_transport.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "oss/redactor.h"
#include "tools/docs_resources.h"
#include "tools/product_tools.h"
#include "tools/prompts.h"

namespace omm::app {

namespace {

// result.structuredContent.url of a tools/call answer of the oss backend in url mode, if any.
std::optional<std::string> revealed_url(const nlohmann::json& message) {
  auto r = message.find("result");
  if (r == message.end() || !r->is_object()) return std::nullopt;
  auto sc = r->find("structuredContent");
  if (sc == r->end() || !sc->is_object()) return std::nullopt;
  auto url = sc->find("url");
  if (url == sc->end() || !url->is_string() || sc->value("backend", "") != "oss" ||
      sc->value("mode", "") != "url") {
    return std::nullopt;
  }
  return url->get<std::string>();
}

}  // namespace

int run_doctor(const omm::cli::ServeArgs& a) {
  setup_logging("warn");
  auto runtime = std::make_shared<OssRuntime>();
  omm::oss::install_redacting_logging(runtime->redactor);
  auto local = local_options(a.root, a.output_dir, a.input_dirs, a.watermark_key);
  local.state_dir = omm::local::state_dir_path(a.state_dir);
  omm::cli::OssConfig c = omm::cli::oss_config(omm::cli::oss_flags(a), env_lookup);
  auto executor = make_executor(make_backend(a.backend, local, c, runtime), c, local);
  auto result = executor->doctor();
  if (!result.ok()) return fail(result.status());
  runtime->redactor->redact_json(*result);
  print_json(*result);
  return (*result)["data"].value("ok", false) ? 0 : 1;
}

int run_serve(const omm::cli::ServeArgs& a) {
  setup_logging(a.log_level);
  omm::mcp::ServerInfo info;
  info.version = omm::cli::kVersion;
  info.description = "Image, video and audio processing for Alibaba Cloud OSS and local files";
  // The redaction boundary: every outgoing message and every log line.
  auto oss_runtime = std::make_shared<OssRuntime>();
  omm::oss::install_redacting_logging(oss_runtime->redactor);
  omm::mcp::ServerOptions options;
  // The one exemption (--reveal-signed-urls, DESIGN.md "Output delivery"): the presigned URL of
  // an oss url-mode result stays whole in result.structuredContent.url of its tools/call answer
  // — it carries the signature, the AccessKey id and the STS token by construction. Everything
  // else is redacted as always: the text part (the same result serialized), url_redacted, other
  // fields and messages, and every log line (the log sinks redact on their own).
  options.redact = [redactor = oss_runtime->redactor,
                    reveal = a.reveal_signed_urls](nlohmann::json& message) {
    std::optional<std::string> url;
    if (reveal) url = revealed_url(message);
    redactor->redact_json(message);
    if (url) message["result"]["structuredContent"]["url"] = std::move(*url);
  };
  options.worker_threads = a.workers;
  options.queue_capacity = a.queue;
  if (a.page_size > 0) options.page_size = a.page_size;
  // A client's roots are paths on its own machine: honoured where that is this one.
  const bool loopback_listener = a.host == "localhost" || omm::files::classify_address(a.host) ==
                                                              omm::files::AddressClass::kLoopback;
  options.client_roots = a.client_roots && (a.transport == "stdio" || loopback_listener);
  omm::mcp::Server server(info, options);
  auto local = local_options(a.root, a.output_dir, a.input_dirs, a.watermark_key);
  if (a.max_fetch_bytes > 0) local.max_fetch_bytes = a.max_fetch_bytes;
  local.allow_private_uri = a.allow_private_uri;
  local.max_duration = std::chrono::seconds(a.max_duration);
  local.state_dir = omm::local::state_dir_path(a.state_dir);
  local.max_jobs = a.max_jobs;
  local.job_queue = a.job_queue;
  // Over HTTP, url-mode results are token links served by this listener (stdio: file://). The
  // link secret is drawn only then: stdio servers start often and need none.
  std::shared_ptr<omm::local::FileLinks> links;
  if (a.transport != "stdio") {
    links = std::make_shared<omm::local::FileLinks>();
    local.result_link = [links](const std::string& key, std::int64_t expires_at) {
      return links->url_for(key, expires_at);
    };
  }
  std::error_code ec;
  std::string results_dir =
      (std::filesystem::weakly_canonical(local.root, ec) / ".tmp" / "results").string();
  omm::cli::OssConfig oss = omm::cli::oss_config(omm::cli::oss_flags(a), env_lookup);
  omm::tools::ProductToolOptions tool_options;
  tool_options.executor =
      make_executor(make_backend(a.backend, local, oss, oss_runtime), oss, local);
  tool_options.max_wait_seconds = max_wait_seconds();
  omm::tools::register_product_tools(server, tool_options);
  omm::tools::register_prompts(server);
  omm::tools::register_docs_resources(server);
  if (a.conformance_fixtures) {
    omm::conformance::register_fixtures(server,
                                        {omm::conformance::output_dir_resolver(local.output_dir)});
  }
  if (a.transport == "stdio") {
    return omm::mcp::serve_stdio(server);
  }
  omm::mcp::HttpOptions http;
  http.host = a.host;
  http.port = a.port;
  http.guard.allowed_hosts = a.allowed_hosts;
  http.guard.allowed_origins = a.allowed_origins;
  http.guard.auth_token = a.auth_token;
  http.max_sessions = a.max_sessions;
  http.max_streams = a.max_streams;
  http.keepalive = std::chrono::seconds(a.sse_keepalive);
  http.routes.push_back(
      {"/files/", [links, results_dir](const httplib::Request& req, httplib::Response& res) {
         omm::local::serve_file_link(*links, results_dir, req, res);
       }});
  http.on_listening = [links](const std::string& host, int port) {
    // A wildcard listener is reached locally through loopback.
    std::string h = host == "0.0.0.0" || host.empty()     ? "127.0.0.1"
                    : host == "::"                        ? "[::1]"
                    : host.find(':') != std::string::npos ? "[" + host + "]"
                                                          : host;
    links->set_base_url("http://" + h + ":" + std::to_string(port));
  };
  return omm::mcp::serve_http(server, http);
}

}  // namespace omm::app

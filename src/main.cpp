// oss-media-mcp: command line entry point. The only place that picks concrete implementations.
//
//   oss-media-mcp [serve] [--transport stdio|http|sse] [--listen HOST:PORT] …
//   oss-media-mcp process | emulate | doctor …
//   oss-media-mcp --help | --version
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/oss_config.h"
#include "cli/process_args.h"
#include "cli/usage.h"
#include "conformance/fixtures.h"
#include "conformance/output_path.h"
#include "core/executor.h"
#include "core/lazy_backend.h"
#include "core/plan_from_cli.h"
#include "emulate/emulate_cli.h"
#include "local/executor.h"
#include "local/file_links.h"
#include "local/local_backend.h"
#include "local/state_dir.h"
#include "mcp/http_transport.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "oss/credential_chain.h"
#include "oss/credential_io.h"
#include "oss/credential_providers.h"
#include "oss/http_client.h"
#include "oss/redactor.h"
#include "oss_backend/executor.h"
#include "tools/docs_resources.h"
#include "tools/product_tools.h"
#include "tools/prompts.h"

namespace {

using omm::cli::OssConfig;

void setup_logging(const std::string& level);

std::optional<std::string> env_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Where the local backend keeps its bucket and downloads: ./media and ./outputs, or
// $XDG_DATA_HOME/oss-media-mcp/{media,outputs} when the working directory is / or read-only
// (hosts start stdio servers in /).
std::string default_base_dir() {
  char buf[4096];
  std::string cwd = ::getcwd(buf, sizeof buf) ? buf : "/";
  if (cwd != "/" && ::access(cwd.c_str(), W_OK) == 0) return cwd;
  std::string xdg = env_lookup("XDG_DATA_HOME").value_or("");
  if (xdg.empty()) xdg = env_lookup("HOME").value_or("/tmp") + "/.local/share";
  return xdg + "/oss-media-mcp";
}

omm::local::LocalOptions local_options(const std::string& root, const std::string& output_dir,
                                       const std::vector<std::string>& input_dirs,
                                       const std::string& watermark_key) {
  omm::local::LocalOptions o;
  std::string base = (root.empty() || output_dir.empty()) ? default_base_dir() : std::string();
  o.root = root.empty() ? base + "/media" : root;
  o.output_dir = output_dir.empty() ? base + "/outputs" : output_dir;
  o.input_dirs = input_dirs;
  if (!watermark_key.empty()) o.watermark_key = watermark_key;
  return o;
}

// The oss backend's pieces that live as long as the process: the credential chain (resolved
// lazily at the first oss call), the HTTP transport and the redactor that every outgoing message
// and log line passes (DESIGN.md "Redaction").
struct OssRuntime {
  omm::oss::SystemEnv env;
  omm::oss::SystemClock clock;
  std::shared_ptr<omm::oss::HttplibClient> http = std::make_shared<omm::oss::HttplibClient>();
  omm::oss::HttpClientFetcher fetcher{*http};
  std::unique_ptr<omm::oss::CredentialChain> chain;
  std::shared_ptr<omm::oss::Redactor> redactor = std::make_shared<omm::oss::Redactor>();
  std::mutex mu;
  std::string source;  // the type of the source in use, never a value

  OssRuntime() { chain = omm::oss::CredentialChain::make_default({env, fetcher, clock}); }
  // Resolves (cached by the chain) and teaches the redactor the live values.
  omm::Result<omm::oss::Credentials> credentials() {
    auto r = chain->get();
    if (!r.ok()) return r.status();
    redactor->set_credentials(r->credentials);
    std::lock_guard<std::mutex> lock(mu);
    source = r->source;
    return r->credentials;
  }
};

// The cleanup journal of the oss backend, in the server's own state directory (one per user,
// whatever the working directory; local/state_dir.h).
std::string cleanup_journal_path(const std::string& state_dir_flag) {
  return omm::local::state_dir_path(state_dir_flag) + "/oss-cleanup.json";
}

// The one place that picks a backend: the oss backend exactly when a bucket is configured,
// unless --backend says otherwise (DESIGN.md "Backends and endpoints"). Neither touches
// anything before its first call.
std::shared_ptr<omm::core::Backend> make_backend(const std::string& kind,
                                                 const omm::local::LocalOptions& local,
                                                 const OssConfig& c,
                                                 const std::shared_ptr<OssRuntime>& runtime) {
  std::string chosen = !kind.empty() ? kind : (c.bucket.empty() ? "local" : "oss");
  if (chosen != "oss") {
    return std::make_shared<omm::local::LocalBackend>(
        [local] { return omm::local::LocalExecutor::create(local); });
  }
  omm::oss_backend::OssBackendOptions ob;
  ob.bucket = c.bucket;
  ob.region = c.region;
  ob.endpoint = c.endpoint;
  ob.imm_endpoint = c.imm_endpoint;
  ob.imm_project = c.imm_project;
  ob.signature =
      c.signature == "v1" ? omm::oss::SignatureVersion::kV1 : omm::oss::SignatureVersion::kV4;
  ob.reveal_signed_urls = c.reveal_signed_urls;
  ob.multipart_threshold = c.multipart_threshold;
  ob.journal_path = cleanup_journal_path(c.state_dir);
  ob.credential_source_name = [runtime] {
    std::lock_guard<std::mutex> lock(runtime->mu);
    return runtime->source;
  };
  return std::make_shared<omm::core::LazyBackend>(
      "oss", [ob, local, runtime]() -> omm::Result<std::shared_ptr<omm::core::Backend>> {
        // Local files (uri sources, downloads) follow the same rules as on the local backend;
        // its root holds the fetched copies of http(s) sources, its probe reads downloads.
        auto files = omm::local::LocalExecutor::create(local);
        if (!files.ok()) return files.status();
        std::shared_ptr<omm::local::LocalExecutor> local_files = *files;
        auto make = [&] {
          return omm::oss_backend::OssExecutor::create(
              ob, [runtime] { return runtime->credentials(); }, runtime->http, local_files->files(),
              [local_files](const std::string& path) { return local_files->file_metadata(path); });
        };
        if (local.check_only) {  // a dry run: no state directory, nothing contacted
          auto executor = make();
          if (!executor.ok()) return executor.status();
          return std::shared_ptr<omm::core::Backend>(*executor);
        }
        // The cleanup journal is the server's own record: its directory private to this user.
        std::string state = std::filesystem::path(ob.journal_path).parent_path().string();
        if (omm::Status s = omm::local::ensure_private_dir(state); !s) return s;
        auto executor = make();
        if (!executor.ok()) return executor.status();
        // Temporary objects a previous run could not delete (DESIGN.md "Sources").
        if (size_t left = (*executor)->drain_cleanup(); left > 0) {
          spdlog::warn("cleanup: {} temporary objects are still to be deleted", left);
        }
        return std::shared_ptr<omm::core::Backend>(*executor);
      });
}

std::int64_t max_wait_seconds() {
  auto v = env_lookup("ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS");
  if (!v || v->empty() || v->size() > 6 ||
      v->find_first_not_of("0123456789") != std::string::npos) {
    return 600;
  }
  return std::max<std::int64_t>(1, std::stoll(*v));
}

std::shared_ptr<omm::core::Executor> make_executor(std::shared_ptr<omm::core::Backend> backend,
                                                   const OssConfig& c,
                                                   const omm::local::LocalOptions& local) {
  omm::core::ExecutorOptions eo;
  eo.max_wait_seconds = max_wait_seconds();
  // Batch manifests are the server's own, one folder per bucket (or local root).
  std::string state =
      local.state_dir.empty() ? omm::local::state_dir_path(c.state_dir) : local.state_dir;
  if (backend->name() == "oss") {
    eo.bucket = c.bucket;
    eo.batch_dir = state + "/batches/oss-" + c.bucket;
  } else {
    std::error_code ec;
    std::string root = std::filesystem::weakly_canonical(local.root, ec).string();
    eo.batch_dir = state + "/batches/local-" + omm::local::root_tag(root);
  }
  return std::make_shared<omm::core::Executor>(std::move(backend), eo);
}

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
                 omm::cli::kProcessUsage);
    return 2;
  }
  if (parsed->help) {
    std::fputs(omm::cli::kProcessUsage, stdout);
    return 0;
  }
  for (const std::string& flag : parsed->ignored_flags) {
    spdlog::warn("{} has no effect: async operations are always waited for", flag);
  }
  auto plan = omm::core::plan_from_cli(parsed->request);
  if (!plan.ok()) return fail(plan.status());
  // A person at a shell names files relative to where they are: the working directory is an
  // input directory too, and the output directory defaults to it.
  auto local = local_options(parsed->root, parsed->output_dir.empty() ? dir : parsed->output_dir,
                             {}, parsed->watermark_key);
  local.input_dirs = {dir, local.output_dir, local.root};
  local.max_duration = std::chrono::seconds(parsed->max_duration);
  if (parsed->max_fetch_bytes > 0) local.max_fetch_bytes = parsed->max_fetch_bytes;
  local.allow_private_uri = parsed->allow_private_uri;
  local.state_dir = omm::local::state_dir_path("");
  // A dry run goes through the executor too: it answers after the real run's checks.
  local.check_only = plan->dry_run;
  omm::cli::OssFlags flags;
  flags.bucket = plan->bucket;
  flags.region = plan->region;
  flags.endpoint = plan->endpoint;
  flags.imm_project = plan->imm_project;
  OssConfig c = omm::cli::oss_config(flags, env_lookup);
  auto runtime = std::make_shared<OssRuntime>();
  omm::oss::install_redacting_logging(runtime->redactor);
  auto executor = make_executor(make_backend("", local, c, runtime), c, local);
  // The CLI waits for an async job (process.py routed such calls automatically).
  omm::core::Plan p = *plan;
  if (!p.wait_seconds && p.timeout_seconds) p.wait_seconds = p.timeout_seconds;
  if (p.category == omm::core::Category::kAsync && !p.wait_seconds) p.wait_seconds = 600;
  auto result = executor->run(p, omm::core::Call{});
  if (!result.ok()) {
    return fail(omm::Status::error(result.status().id(),
                                   runtime->redactor->redact(result.status().message())));
  }
  result->erase("resource_uri");  // read through a server's resources; nothing serves it here
  runtime->redactor->redact_json(*result);
  print_json(*result);
  return 0;
}

void setup_logging(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("oss-media-mcp", sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

// `oss-media-mcp doctor [serve options]`: the doctor tool of the backend those options select,
// printed as JSON (exit 1 when a check fails).
int doctor(const omm::cli::ServeArgs& a) {
  setup_logging("warn");
  auto runtime = std::make_shared<OssRuntime>();
  omm::oss::install_redacting_logging(runtime->redactor);
  auto local = local_options(a.root, a.output_dir, a.input_dirs, a.watermark_key);
  local.state_dir = omm::local::state_dir_path(a.state_dir);
  OssConfig c = omm::cli::oss_config(omm::cli::oss_flags(a), env_lookup);
  auto executor = make_executor(make_backend(a.backend, local, c, runtime), c, local);
  auto result = executor->doctor();
  if (!result.ok()) return fail(result.status());
  runtime->redactor->redact_json(*result);
  print_json(*result);
  return (*result)["data"].value("ok", false) ? 0 : 1;
}

int serve(const omm::cli::ServeArgs& a) {
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
  OssConfig oss = omm::cli::oss_config(omm::cli::oss_flags(a), env_lookup);
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

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::fputs(omm::cli::kUsage, stdout);
    return 0;
  }
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("oss-media-mcp %s\n", omm::cli::kVersion);
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
      std::fputs(omm::cli::kUsage, stdout);
      return 0;
    }
    return serve(*parsed);
  }
  if (command == "process") return process(args);
  if (command == "doctor") {
    auto parsed = omm::cli::parse_serve_args(args);
    if (!parsed.ok()) {
      std::fprintf(stderr, "oss-media-mcp doctor: %s\n", parsed.status().message().c_str());
      return 2;
    }
    return doctor(*parsed);
  }
  if (command == "emulate") return omm::emulate::run_emulate(args);
  std::fprintf(stderr,
               "oss-media-mcp: unknown command '%s'\nRun 'oss-media-mcp --help' for usage.\n",
               command.c_str());
  return 2;
}

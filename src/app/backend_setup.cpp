#include "app/backend_setup.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/lazy_backend.h"
#include "local/local_backend.h"
#include "local/state_dir.h"
#include "oss/credential_providers.h"
#include "oss_backend/executor.h"

namespace omm::app {

namespace {

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

// The cleanup journal of the oss backend, in the server's own state directory (one per user,
// whatever the working directory; local/state_dir.h).
std::string cleanup_journal_path(const std::string& state_dir_flag) {
  return omm::local::state_dir_path(state_dir_flag) + "/oss-cleanup.json";
}

}  // namespace

std::optional<std::string> env_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
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

OssRuntime::OssRuntime() { chain = omm::oss::CredentialChain::make_default({env, fetcher, clock}); }

omm::Result<omm::oss::Credentials> OssRuntime::credentials() {
  auto r = chain->get();
  if (!r.ok()) return r.status();
  redactor->set_credentials(r->credentials);
  std::lock_guard<std::mutex> lock(mu);
  source = r->source;
  return r->credentials;
}

std::shared_ptr<omm::core::Backend> make_backend(const std::string& kind,
                                                 const omm::local::LocalOptions& local,
                                                 const cli::OssConfig& c,
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
                                                   const cli::OssConfig& c,
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

}  // namespace omm::app

// The backend and the executor that serve, doctor and process run on, made from their parsed
// flags: the local backend's options (its bucket directory and outputs), the oss backend's
// process-long pieces (credentials, HTTP transport, redactor), the choice between the two and the
// executor's wait limit and batch folder. The one place that picks concrete implementations.
//
// Thread-safety: the functions run once at startup, on the main thread. OssRuntime is shared by
// the backend it makes; credentials() and `source` (under `mu`) may be used from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cli/oss_config.h"
#include "core/backend.h"
#include "core/executor.h"
#include "core/status.h"
#include "local/executor.h"
#include "oss/credential_chain.h"
#include "oss/credential_io.h"
#include "oss/http_client.h"
#include "oss/redactor.h"

namespace omm::app {

// The process environment: the value of `name`, nullopt when it is not set (cli::EnvLookup).
std::optional<std::string> env_lookup(const std::string& name);

// The local backend's options from the flags: an empty root or output directory defaults to
// ./media and ./outputs, or $XDG_DATA_HOME/oss-media-mcp/{media,outputs} when the working
// directory is / or read-only (hosts start stdio servers in /).
omm::local::LocalOptions local_options(const std::string& root, const std::string& output_dir,
                                       const std::vector<std::string>& input_dirs,
                                       const std::string& watermark_key);

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

  OssRuntime();
  // Resolves (cached by the chain) and teaches the redactor the live values.
  omm::Result<omm::oss::Credentials> credentials();
};

// The one place that picks a backend: the oss backend exactly when a bucket is configured,
// unless `kind` (--backend: "local" or "oss"; empty: by the bucket) says otherwise (DESIGN.md
// "Backends and endpoints"). Neither touches anything before its first call.
std::shared_ptr<omm::core::Backend> make_backend(const std::string& kind,
                                                 const omm::local::LocalOptions& local,
                                                 const omm::cli::OssConfig& c,
                                                 const std::shared_ptr<OssRuntime>& runtime);

// ALIBABA_CLOUD_ASYNC_TIMEOUT_SECONDS when it is a number of at most six digits (at least 1),
// else 600.
std::int64_t max_wait_seconds();

// The executor over `backend`: the wait limit above, batch manifests in the state directory, one
// folder per bucket (or local root).
std::shared_ptr<omm::core::Executor> make_executor(std::shared_ptr<omm::core::Backend> backend,
                                                   const omm::cli::OssConfig& c,
                                                   const omm::local::LocalOptions& local);

}  // namespace omm::app

// Server: the registries, configuration and worker pool shared by all sessions.
//
// Populate the registries, then open one Session per connection (stdio: one; HTTP: one per
// Mcp-Session-Id). The server keeps weak references to its sessions for resource-update
// notifications. Thread-safe once serving.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/log_level.h"
#include "mcp/prompt_registry.h"
#include "mcp/resource_registry.h"
#include "mcp/schema_validator.h"
#include "mcp/tool_registry.h"
#include "mcp/worker_pool.h"

namespace omm::mcp {

class Outbox;
class Session;

inline constexpr const char* kLatestProtocolVersion = "2025-11-25";
// Newest first.
inline const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> kVersions = {"2025-11-25", "2025-06-18", "2025-03-26"};
  return kVersions;
}
bool is_supported_protocol_version(std::string_view version);

struct ServerInfo {
  std::string name = "oss-media-mcp";
  std::string version;
  std::string title = "OSS Media";
  std::string description;
  std::string instructions;
};

struct ServerOptions {
  size_t worker_threads = 16;  // concurrent tool calls across all sessions
  size_t queue_capacity = 64;  // waiting tool calls before "busy"
  size_t page_size = 100;      // list page size (tools, prompts, resources, templates)
  LogLevel default_log_level = LogLevel::kInfo;
  std::chrono::milliseconds client_request_timeout{60000};
  // Whether a client's declared file:// roots widen the local input directories of its session
  // (Session::client_roots). Roots are paths on the client's machine: the server honours them
  // where that is this machine — stdio, and HTTP on a loopback listener — unless turned off.
  bool client_roots = true;
  // Applied to every outgoing message (results, errors, notifications) — the redaction boundary.
  // Not applied to tools/list pages: tool entries are declared in code and schemas (the product's
  // are build-time text, ToolSpec::listing_json), hold no runtime value, and
  // tests/oss/redactor_test.cpp proves the redactor leaves them as they are.
  std::function<void(nlohmann::json&)> redact;
};

class Server {
 public:
  Server(ServerInfo info, ServerOptions options);
  ~Server();

  ToolRegistry& tools() { return tools_; }
  PromptRegistry& prompts() { return prompts_; }
  ResourceRegistry& resources() { return resources_; }
  const ToolRegistry& tools() const { return tools_; }
  const PromptRegistry& prompts() const { return prompts_; }
  const ResourceRegistry& resources() const { return resources_; }
  const SchemaCatalog& schemas() const { return catalog_; }
  const ServerInfo& info() const { return info_; }
  const ServerOptions& options() const { return options_; }
  WorkerPool& pool();

  nlohmann::json capabilities() const;
  std::shared_ptr<Session> open_session(std::shared_ptr<Outbox> outbox, std::string id = {});
  // Sends notifications/resources/updated to every session subscribed to `uri`.
  void notify_resource_updated(const std::string& uri);

 private:
  ServerInfo info_;
  ServerOptions options_;
  SchemaCatalog catalog_;
  ToolRegistry tools_;
  PromptRegistry prompts_;
  ResourceRegistry resources_;
  std::once_flag pool_once_;
  std::unique_ptr<WorkerPool> pool_;
  std::mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace omm::mcp

#include "mcp/server.h"

#include <algorithm>

#include "core/embedded.h"
#include "mcp/jsonrpc.h"
#include "mcp/session.h"

namespace omm::mcp {

bool is_supported_protocol_version(std::string_view version) {
  const auto& v = supported_protocol_versions();
  return std::find(v.begin(), v.end(), version) != v.end();
}

Server::Server(ServerInfo info, ServerOptions options)
    : info_(std::move(info)),
      options_(std::move(options)),
      catalog_(embedded::schema_files()),
      tools_(&catalog_) {}

Server::~Server() = default;

WorkerPool& Server::pool() {
  std::call_once(pool_once_, [this] {
    pool_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.queue_capacity);
  });
  return *pool_;
}

nlohmann::json Server::capabilities() const {
  return nlohmann::json{{"tools", {{"listChanged", false}}},
                        {"prompts", {{"listChanged", false}}},
                        {"resources", {{"subscribe", true}, {"listChanged", false}}},
                        {"logging", nlohmann::json::object()},
                        {"completions", nlohmann::json::object()}};
}

std::shared_ptr<Session> Server::open_session(std::shared_ptr<Outbox> outbox, std::string id) {
  auto session = std::make_shared<Session>(*this, std::move(outbox), std::move(id));
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                 [](const std::weak_ptr<Session>& w) { return w.expired(); }),
                  sessions_.end());
  sessions_.push_back(session);
  return session;
}

void Server::notify_resource_updated(const std::string& uri) {
  std::vector<std::shared_ptr<Session>> targets;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& w : sessions_) {
      if (auto s = w.lock(); s && s->subscribed(uri)) targets.push_back(std::move(s));
    }
  }
  for (auto& s : targets) {
    s->send_unrelated(make_notification("notifications/resources/updated", {{"uri", uri}}));
  }
}

}  // namespace omm::mcp

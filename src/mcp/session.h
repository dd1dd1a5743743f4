// Session: one MCP connection's protocol state machine (JSON-RPC 2.0, lifecycle, dispatch).
//
// A transport feeds every incoming message to `receive` and delivers what the session sends
// through its Outbox. Quick methods are answered on the caller's thread; tools/call runs on the
// server's worker pool, so a slow call never blocks other requests. Tracks in-flight calls
// (notifications/cancelled stops them and suppresses their response), server-to-client requests
// (sampling, elicitation, roots/list — its answer kept until notifications/roots/list_changed),
// the log level and resource subscriptions. Thread-safe.
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/call_context.h"
#include "mcp/log_level.h"

namespace omm::mcp {

class Outbox;
class Server;

class Session : public CallHost, public std::enable_shared_from_this<Session> {
 public:
  Session(Server& server, std::shared_ptr<Outbox> outbox, std::string id);
  ~Session() override;

  // One raw message (a stdio line, an HTTP body). Parse errors are answered (-32700).
  void receive_text(std::string_view text);
  // One parsed message. Messages nested deeper than 64 levels are refused (-32600); an exception
  // from a handler is answered with -32603 and never leaves this call.
  void receive(const nlohmann::json& message);
  // Cancels all in-flight calls and pending client requests; later messages are ignored.
  void close();
  // Waits until no tool call is in flight, at most `max`.
  bool wait_idle(std::chrono::milliseconds max);

  const std::string& id() const { return id_; }
  bool initialized() const;
  std::string protocol_version() const;
  bool subscribed(const std::string& uri) const;
  size_t in_flight() const;
  // Sends a message not tied to any request (e.g. resource updates).
  void send_unrelated(nlohmann::json message);

  // CallHost
  void send_related(const nlohmann::json& message, const nlohmann::json& request_id) override;
  bool log_enabled(LogLevel level) const override;
  bool client_supports(std::string_view capability) const override;
  Result<nlohmann::json> request_client(std::string_view method, nlohmann::json params,
                                        const nlohmann::json& related_request,
                                        std::chrono::milliseconds timeout,
                                        const std::function<bool()>& cancelled) override;
  std::vector<std::string> client_roots(const nlohmann::json& related_request,
                                        const std::function<bool()>& cancelled) override;

 private:
  void send(nlohmann::json message, const nlohmann::json* related);
  void reply(const nlohmann::json& id, nlohmann::json result);
  void reply_error(const nlohmann::json& id, int code, std::string_view message,
                   const nlohmann::json* data = nullptr);
  void handle_request(const nlohmann::json& id, const std::string& method,
                      const nlohmann::json& params);
  void handle_notification(const std::string& method, const nlohmann::json& params);
  void handle_response(const nlohmann::json& message);

  void on_initialize(const nlohmann::json& id, const nlohmann::json& params);
  void on_tools_call(const nlohmann::json& id, const nlohmann::json& params);
  void on_prompts_get(const nlohmann::json& id, const nlohmann::json& params);
  void on_resources_read(const nlohmann::json& id, const nlohmann::json& params);
  void on_subscribe(const nlohmann::json& id, const nlohmann::json& params, bool subscribe);
  void on_complete(const nlohmann::json& id, const nlohmann::json& params);
  void on_set_level(const nlohmann::json& id, const nlohmann::json& params);
  // Pages `items` by the opaque cursor in params; answers under `key`.
  void reply_page(const nlohmann::json& id, const nlohmann::json& params, std::string_view key,
                  const std::vector<nlohmann::json>& items);
  // tools/list: the same paging over entries that are already serialized.
  void reply_tools_page(const nlohmann::json& id, const nlohmann::json& params);
  // The [offset, end) page of `count` items by the cursor in params; false (and an error sent)
  // for an invalid cursor.
  bool page_bounds(const nlohmann::json& id, const nlohmann::json& params, size_t count,
                   size_t* offset, size_t* end);
  void run_tool(std::shared_ptr<CallState> state, std::string tool_name, nlohmann::json args);

  struct PendingClientRequest {
    std::promise<nlohmann::json> promise;
  };

  Server& server_;
  std::shared_ptr<Outbox> outbox_;
  std::string id_;
  mutable std::mutex mu_;
  bool initialized_ = false;
  bool closed_ = false;
  std::string protocol_version_;
  nlohmann::json client_capabilities_ = nlohmann::json::object();
  LogLevel log_level_;
  std::map<std::string, std::shared_ptr<CallState>> in_flight_;
  std::map<std::string, std::shared_ptr<PendingClientRequest>> pending_client_;
  std::set<std::string> subscriptions_;
  long long next_client_request_ = 0;
  // The client's root URIs as roots/list last gave them; none: ask (again) when a call needs
  // them. roots_generation_ counts notifications/roots/list_changed, so an answer that crossed
  // one is not kept.
  std::optional<std::vector<std::string>> roots_;
  unsigned long long roots_generation_ = 0;
  std::condition_variable idle_cv_;
};

}  // namespace omm::mcp

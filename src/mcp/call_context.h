// CallContext: what a tool handler may do while serving one tools/call request.
//
// It reports progress (only when the client sent a progressToken; values must strictly
// increase — smaller or equal values are dropped), sends log notifications (filtered by the
// session's logging/setLevel), makes server-to-client requests (sampling, elicitation — only
// when the client declared them), gives the client's roots, and exposes cancellation: `cancelled()`
// polling, hooks run once on cancellation (kill a child process, remove partial output), and an
// interruptible sleep. After the call completes every reporting method becomes a no-op.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "mcp/log_level.h"

namespace omm::mcp {

// Implemented by the session that owns the call.
class CallHost {
 public:
  virtual ~CallHost() = default;
  virtual void send_related(const nlohmann::json& message, const nlohmann::json& request_id) = 0;
  virtual bool log_enabled(LogLevel level) const = 0;
  virtual bool client_supports(std::string_view capability) const = 0;
  virtual Result<nlohmann::json> request_client(std::string_view method, nlohmann::json params,
                                                const nlohmann::json& related_request,
                                                std::chrono::milliseconds timeout,
                                                const std::function<bool()>& cancelled) = 0;
  // The URIs of the client's roots (roots/list, asked once and again after
  // notifications/roots/list_changed); empty when it declared no roots capability or did not
  // answer in time.
  virtual std::vector<std::string> client_roots(const nlohmann::json& related_request,
                                                const std::function<bool()>& cancelled) {
    (void)related_request;
    (void)cancelled;
    return {};
  }
};

// Shared state of one in-flight request: cancellation and progress bookkeeping.
class CallState {
 public:
  CallState(nlohmann::json request_id, nlohmann::json progress_token);
  const nlohmann::json& request_id() const { return request_id_; }
  const nlohmann::json& progress_token() const { return progress_token_; }

  // Sets the flag and runs the hooks (once). Returns false if the call had already finished.
  bool cancel();
  bool cancelled() const { return cancelled_.load(); }
  // Marks the call finished; afterwards progress/log are dropped. Returns false if cancelled.
  // Waits for a notification being sent (send_if_open) to be out first, so nothing related to
  // the request can follow its response.
  bool finish();
  bool finished() const { return finished_.load(); }

  int add_cancel_hook(std::function<void()> hook);
  void remove_cancel_hook(int handle);
  // Waits up to `d`; returns false when cancelled before or during the wait.
  bool sleep_for(std::chrono::milliseconds d);
  // Accepts `value` iff it is greater than every value accepted before.
  bool accept_progress(double value);
  // Runs `send` unless the call has finished, excluding finish() meanwhile; false when finished.
  bool send_if_open(const std::function<void()>& send);

 private:
  nlohmann::json request_id_;
  nlohmann::json progress_token_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> finished_{false};
  std::mutex mu_;
  std::mutex send_mu_;  // held while a related notification is sent, and by finish()
  std::condition_variable cv_;
  std::map<int, std::function<void()>> hooks_;
  int next_hook_ = 0;
  std::optional<double> last_progress_;
};

class CallContext {
 public:
  CallContext(std::shared_ptr<CallHost> host, std::shared_ptr<CallState> state);

  const nlohmann::json& request_id() const { return state_->request_id(); }
  bool cancelled() const { return state_->cancelled(); }
  bool sleep_for(std::chrono::milliseconds d) { return state_->sleep_for(d); }
  int on_cancel(std::function<void()> hook) { return state_->add_cancel_hook(std::move(hook)); }
  void remove_on_cancel(int handle) { state_->remove_cancel_hook(handle); }

  bool has_progress_token() const { return !state_->progress_token().is_null(); }
  void progress(double value, std::optional<double> total = std::nullopt,
                std::string_view message = {});
  void log(LogLevel level, const nlohmann::json& data, std::string_view logger = "oss-media-mcp");
  bool client_supports(std::string_view capability) const;
  Result<nlohmann::json> request_client(std::string_view method, nlohmann::json params,
                                        std::chrono::milliseconds timeout);
  // The URIs of the client's roots (CallHost::client_roots).
  std::vector<std::string> client_roots();

 private:
  std::shared_ptr<CallHost> host_;
  std::shared_ptr<CallState> state_;
};

}  // namespace omm::mcp

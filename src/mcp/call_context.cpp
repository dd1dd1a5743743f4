#include "mcp/call_context.h"

#include "mcp/jsonrpc.h"

namespace omm::mcp {

CallState::CallState(nlohmann::json request_id, nlohmann::json progress_token)
    : request_id_(std::move(request_id)), progress_token_(std::move(progress_token)) {}

bool CallState::cancel() {
  std::map<int, std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_.load() || cancelled_.load()) return false;
    cancelled_.store(true);
    hooks.swap(hooks_);
  }
  cv_.notify_all();
  for (auto& [handle, hook] : hooks) hook();
  return true;
}

bool CallState::finish() {
  std::lock_guard<std::mutex> sending(send_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  finished_.store(true);
  hooks_.clear();
  return !cancelled_.load();
}

int CallState::add_cancel_hook(std::function<void()> hook) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled_.load()) {
      int handle = next_hook_++;
      hooks_.emplace(handle, std::move(hook));
      return handle;
    }
  }
  hook();  // already cancelled: run now
  return -1;
}

void CallState::remove_cancel_hook(int handle) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.erase(handle);
}

bool CallState::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return cancelled_.load(); });
}

bool CallState::accept_progress(double value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_.load() || cancelled_.load()) return false;
  if (last_progress_ && value <= *last_progress_) return false;
  last_progress_ = value;
  return true;
}

bool CallState::send_if_open(const std::function<void()>& send) {
  std::lock_guard<std::mutex> sending(send_mu_);
  if (finished_.load()) return false;
  send();
  return true;
}

CallContext::CallContext(std::shared_ptr<CallHost> host, std::shared_ptr<CallState> state)
    : host_(std::move(host)), state_(std::move(state)) {}

void CallContext::progress(double value, std::optional<double> total, std::string_view message) {
  if (!has_progress_token() || !state_->accept_progress(value)) return;
  nlohmann::json params{{"progressToken", state_->progress_token()}, {"progress", value}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = message;
  state_->send_if_open([&] {
    host_->send_related(make_notification("notifications/progress", std::move(params)),
                        state_->request_id());
  });
}

void CallContext::log(LogLevel level, const nlohmann::json& data, std::string_view logger) {
  if (state_->finished() || state_->cancelled() || !host_->log_enabled(level)) return;
  nlohmann::json params{{"level", log_level_name(level)}, {"logger", logger}, {"data", data}};
  state_->send_if_open([&] {
    host_->send_related(make_notification("notifications/message", std::move(params)),
                        state_->request_id());
  });
}

bool CallContext::client_supports(std::string_view capability) const {
  return host_->client_supports(capability);
}

Result<nlohmann::json> CallContext::request_client(std::string_view method, nlohmann::json params,
                                                   std::chrono::milliseconds timeout) {
  auto state = state_;
  return host_->request_client(method, std::move(params), state_->request_id(), timeout,
                               [state] { return state->cancelled(); });
}

std::vector<std::string> CallContext::client_roots() {
  auto state = state_;
  return host_->client_roots(state_->request_id(), [state] { return state->cancelled(); });
}

}  // namespace omm::mcp

#include "mcp/http_streams.h"

#include <spdlog/spdlog.h>

#include "mcp/jsonrpc.h"

namespace omm::mcp {

using nlohmann::json;

namespace {

std::string dump(const json& m) { return m.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_response_to(const json& m, const json& id) {
  return !m.contains("method") && (m.contains("result") || m.contains("error")) &&
         m.contains("id") && m["id"] == id;
}

}  // namespace

void Stream::push(Event e, bool last) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (complete) return;
    events.push_back(std::move(e));
    if (last) {
      complete = true;
      answered = true;
    }
  }
  cv.notify_all();
}

void Stream::finish() {
  {
    std::lock_guard<std::mutex> lock(mu);
    complete = true;
  }
  cv.notify_all();
}

std::shared_ptr<Stream> HttpOutbox::open_request_stream(const json& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = by_request_[id_key(id)];
  if (slot) return nullptr;  // that id is still being served: its stream stays its own
  slot = std::make_shared<Stream>();
  return slot;
}

std::shared_ptr<Stream> HttpOutbox::open_get_stream() {
  std::lock_guard<std::mutex> lock(mu_);
  if (get_stream_ && !get_stream_->detached) return nullptr;
  get_stream_ = std::make_shared<Stream>();
  return get_stream_;
}

void HttpOutbox::release_get_stream(const std::shared_ptr<Stream>& s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (get_stream_ == s) get_stream_.reset();
}

bool HttpOutbox::has_get_stream() {
  std::lock_guard<std::mutex> lock(mu_);
  return get_stream_ != nullptr;
}

void HttpOutbox::send(const json& message, const json* related) {
  bool response = related != nullptr && is_response_to(message, *related);
  deliver(dump(message), related, response, &message);
}

void HttpOutbox::send_response_text(const json& id, const std::string& text) {
  deliver(text, &id, true, nullptr);
}

void HttpOutbox::end_request(const json& id) {
  std::shared_ptr<Stream> stream;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_request_.find(id_key(id));
    if (it == by_request_.end()) return;
    stream = it->second;
    by_request_.erase(it);
  }
  stream->finish();
}

void HttpOutbox::end_all() {
  std::map<std::string, std::shared_ptr<Stream>> streams;
  std::shared_ptr<Stream> get;
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams.swap(by_request_);
    get = get_stream_;
  }
  for (auto& [k, s] : streams) s->finish();
  if (get) get->finish();
}

void HttpOutbox::deliver(std::string text, const json* related, bool response,
                         const json* message) {
  std::shared_ptr<Stream> target;
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!legacy_ && related != nullptr) {
      auto it = by_request_.find(id_key(*related));
      if (it != by_request_.end()) {
        target = it->second;
        last = response;
        if (last) by_request_.erase(it);
      }
    }
    if (!target) target = get_stream_;
  }
  if (!target) {
    spdlog::debug("no open stream for message {}",
                  message ? message->value("method", "(response)") : "(response)");
    return;
  }
  target->push(Event{"message", std::move(text)}, last);
}

}  // namespace omm::mcp

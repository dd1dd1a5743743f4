// Outbox: the one interface a transport offers a session for outgoing messages.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace omm::mcp {

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Delivers one message to the peer. `related` is the id of the client request this message
  // belongs to (its response, or progress/log/server-to-client requests made while serving it);
  // nullptr for messages tied to no request. Over HTTP a related message goes on that request's
  // stream. Must be thread-safe; must not block for long (queue, don't wait for the peer).
  virtual void send(const nlohmann::json& message, const nlohmann::json* related) = 0;
  // Delivers a response to request `id` that is already serialized (one JSON object, no newline).
  // The default parses it and calls send(); transports override it to skip that.
  virtual void send_response_text(const nlohmann::json& id, const std::string& text) {
    send(nlohmann::json::parse(text, nullptr, false), &id);
  }
  // Request `id` ends without a response (it was cancelled): a transport that holds something
  // open for it (an HTTP request stream) lets it go. Default: nothing to do.
  virtual void end_request(const nlohmann::json& id) { (void)id; }
};

}  // namespace omm::mcp

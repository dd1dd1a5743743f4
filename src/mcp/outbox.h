// Outbox: the one interface a transport offers a session for outgoing messages.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace omm::mcp {

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Delivers one message to the peer. `related` is the id of the client request this message
  // belongs to (its response, or progress/log/server-to-client requests made while serving it);
  // nullptr for messages tied to no request. Over HTTP a related message goes on that request's
  // stream. Must be thread-safe; must not block for long (queue, don't wait for the peer).
  virtual void send(const nlohmann::json& message, const nlohmann::json* related) = 0;
};

}  // namespace omm::mcp

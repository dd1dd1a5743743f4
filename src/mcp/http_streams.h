// The HTTP transports' outgoing side: SSE event queues (Stream) and the Outbox that routes a
// session's messages onto them (HttpOutbox). No HTTP library here: the transport drains a
// Stream into an SSE response or waits on it for a JSON one.
//
// Streamable HTTP: each client request that is being served has its own stream; messages related
// to it (progress, logs, server-to-client requests) and finally its response go there, and the
// response completes it. Messages tied to no request go on the session's one GET stream. A
// request id can have one open stream at a time (a second request reusing it is refused by
// open_request_stream, so the first one still gets its answer), and a request that ends without
// a response (cancelled) completes its stream empty. Legacy SSE: everything goes on the one GET
// stream.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/outbox.h"

namespace omm::mcp {

struct Event {
  std::string name;  // "message", "endpoint"
  std::string data;
};

struct Stream {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  bool complete = false;  // nothing more will be added
  bool detached = false;  // the client went away
  bool answered = false;  // the request's response is among the events (request streams)

  // Adds an event; `last` completes the stream. Ignored once complete.
  void push(Event e, bool last = false);
  // Completes the stream: the reader ends after the events already queued.
  void finish();
};

class HttpOutbox : public Outbox {
 public:
  explicit HttpOutbox(bool legacy) : legacy_(legacy) {}

  // The stream of client request `id`; nullptr when a request with that id is still being
  // served on this session.
  std::shared_ptr<Stream> open_request_stream(const nlohmann::json& id);
  // The session's GET stream; nullptr when one is already open.
  std::shared_ptr<Stream> open_get_stream();
  void release_get_stream(const std::shared_ptr<Stream>& s);
  bool has_get_stream();

  void send(const nlohmann::json& message, const nlohmann::json* related) override;
  void send_response_text(const nlohmann::json& id, const std::string& text) override;
  void end_request(const nlohmann::json& id) override;
  // Completes every stream (the session ended).
  void end_all();

 private:
  // A related message goes on its request's stream (a response ends it), else on the GET stream.
  void deliver(std::string text, const nlohmann::json* related, bool response,
               const nlohmann::json* message);

  bool legacy_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Stream>> by_request_;
  std::shared_ptr<Stream> get_stream_;
};

}  // namespace omm::mcp

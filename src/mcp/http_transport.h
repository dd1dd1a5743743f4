// HTTP transports: Streamable HTTP at /mcp (2025-11-25) and the legacy HTTP+SSE pair
// (/sse + /messages) for older clients, on one listening socket.
//
// Streamable HTTP: POST carries one message; a request is answered with application/json when
// its response is ready at once, otherwise with an SSE stream that carries the request's
// notifications and server-to-client requests, then its response. GET opens the session's
// stream for messages tied to no request. DELETE ends the session (404 afterwards).
// Mcp-Session-Id is assigned at initialize; MCP-Protocol-Version is checked (400 if unsupported);
// Host and Origin are validated (DNS rebinding); an optional bearer token is required on every
// request. SSE streams send a ':' keep-alive comment every `keepalive` and end with their session.
// Connections are served by a thread-per-connection queue capped at `max_threads` (httplib's
// fixed pool of 8 would be exhausted by 8 open streams). Everything a client holds is bounded
// (http_sessions.h): sessions (a flood of unconfirmed ones cannot lock clients out), open
// streams (overall and per client address, refused at once beyond), and every POST ends — with
// its answer, an error, or a closed stream — within `request_timeout`; a request id reused
// while the first request runs is refused, and a cancelled request's POST ends at once.
// Extra GET/HEAD routes (`routes`, e.g. the local backend's /files/ links) are served on the same
// listener behind the same Host/Origin checks; they authorize requests themselves (no bearer
// token: media players cannot send one). The transport knows nothing of their content.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mcp/http_guard.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace omm::mcp {

class Server;

// A GET (and HEAD) handler for every path that starts with `prefix` (e.g. "/files/").
struct HttpRoute {
  std::string prefix;
  std::function<void(const httplib::Request&, httplib::Response&)> handler;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: pick a free port
  HttpGuardOptions guard;
  bool legacy_sse = true;
  std::chrono::milliseconds keepalive{15000};
  size_t max_body_bytes = 8u << 20;
  // Listener threads (one per open connection); connections beyond wait for one.
  size_t max_threads = 1024;
  // Open SSE streams (GET /mcp, GET /sse) at once, and per client address (0: max_streams / 2);
  // the excess is refused at once (503 / 429), so streams never take every thread.
  size_t max_streams = 64;
  size_t max_streams_per_client = 0;
  size_t max_sessions = 1000;
  std::chrono::seconds session_idle_timeout{3600};
  // A session that sends nothing after initialize is dropped after this (http_sessions.h).
  std::chrono::seconds unconfirmed_timeout{30};
  // The longest a POST waits for its request's response (JSON) or streams (SSE).
  std::chrono::seconds request_timeout{900};
  // An idle kept-alive connection is closed after this (it holds a listener thread that polls
  // every 10 ms). Advertised as `Keep-Alive: timeout=15`: Node's fetch reuses a socket for at
  // most a second less, so under load a request does not meet a connection being closed (at 5 s
  // it did: "other side closed").
  std::chrono::seconds keep_alive_timeout{15};
  std::vector<HttpRoute> routes;
  // Called once the socket is bound, with the host and the actual port (port 0 picks one).
  std::function<void(const std::string& host, int port)> on_listening;
};

// Serves until SIGINT/SIGTERM (or `stop` is called from another thread). Prints
// "listening on http://HOST:PORT/mcp" to stderr once bound. Returns a process exit code.
int serve_http(Server& server, const HttpOptions& options);

}  // namespace omm::mcp

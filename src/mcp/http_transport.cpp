#include "mcp/http_transport.h"

#include <httplib.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "mcp/http_sessions.h"
#include "mcp/http_streams.h"
#include "mcp/http_task_queue.h"
#include "mcp/jsonrpc.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "net/sockets.h"
#include "net/stop_signals.h"

namespace omm::mcp {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---- responses -------------------------------------------------------------------------------

std::string dump(const json& m) { return m.dump(-1, ' ', false, json::error_handler_t::replace); }

void json_error(httplib::Response& res, int status, int code, std::string_view message,
                const json& id = nullptr) {
  res.status = status;
  res.set_content(dump(make_error(id, code, message)), "application/json");
}

// Drains `st` into an SSE response: its events, ':' keep-alive comments every `keepalive`, until
// it completes, the client goes away, or `deadline` passes (then the stream just ends).
void stream_response(httplib::Response& res, std::shared_ptr<Stream> st,
                     std::chrono::milliseconds keepalive, Clock::time_point deadline,
                     std::function<void()> on_end) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [st, keepalive, deadline](size_t, httplib::DataSink& sink) {
        std::unique_lock<std::mutex> lock(st->mu);
        if (st->events.empty() && !st->complete) {
          auto until = std::min(deadline, Clock::now() + keepalive);
          st->cv.wait_until(lock, until, [&] { return !st->events.empty() || st->complete; });
        }
        std::string out;
        while (!st->events.empty()) {
          const Event& e = st->events.front();
          out += "event: " + e.name + "\ndata: " + e.data + "\n\n";
          st->events.pop_front();
        }
        bool done = st->complete || Clock::now() >= deadline;
        lock.unlock();
        if (out.empty() && !done) out = ":\n\n";  // keep-alive comment
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (done) sink.done();
        return true;
      },
      [st, on_end = std::move(on_end)](bool) {
        {
          std::lock_guard<std::mutex> lock(st->mu);
          st->detached = true;
          st->complete = true;
        }
        if (on_end) on_end();
      });
}

std::optional<std::string_view> header(const httplib::Request& req, const char* name) {
  auto it = req.headers.find(name);
  if (it == req.headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool accepts(const httplib::Request& req, std::string_view type) {
  return accept_allows(header(req, "Accept"), type);
}

// A refusal that frees the listener thread at once: the connection is not kept alive.
void refuse(httplib::Response& res, int status, int code, std::string_view message,
            const json& id = nullptr) {
  json_error(res, status, code, message, id);
  res.set_header("Connection", "close");
}

bool protocol_header_ok(const httplib::Request& req, httplib::Response& res) {
  if (!req.has_header("MCP-Protocol-Version")) return true;
  std::string v = req.get_header_value("MCP-Protocol-Version");
  if (is_supported_protocol_version(v)) return true;
  json_error(res, 400, rpc::kInvalidRequest,
             fmt::format("Unsupported MCP-Protocol-Version: {} (supported: 2025-11-25, "
                         "2025-06-18, 2025-03-26)",
                         v.substr(0, 64)));
  return false;
}

// What the route handlers share.
struct Listener {
  Server& server;
  const HttpOptions& options;
  SessionTable table;
  StreamLimiter streams;
  Listener(Server& s, const HttpOptions& o)
      : server(s),
        options(o),
        table(s, SessionLimits{o.max_sessions, o.session_idle_timeout, o.unconfirmed_timeout}),
        streams(o.max_streams, o.max_streams_per_client > 0
                                   ? o.max_streams_per_client
                                   : std::max<size_t>(1, o.max_streams / 2)) {}

  // Counts one more long-lived stream for the client; false (and `res` answered) when full.
  bool take_stream(const httplib::Request& req, httplib::Response& res) {
    switch (streams.acquire(req.remote_addr)) {
      case StreamLimiter::Verdict::kOk:
        return true;
      case StreamLimiter::Verdict::kClientFull:
        res.set_header("Retry-After", "5");
        refuse(res, 429, rpc::kInvalidRequest,
               "Too Many Requests: this client holds the most open streams one client may");
        return false;
      case StreamLimiter::Verdict::kServerFull:
        res.set_header("Retry-After", "5");
        refuse(res, 503, rpc::kInternalError,
               "Service Unavailable: the server holds the most open streams it allows");
        return false;
    }
    return false;
  }
};

void handle_post(Listener& l, const httplib::Request& req, httplib::Response& res) {
  if (!content_type_is(req.get_header_value("Content-Type"), "application/json")) {
    return json_error(res, 415, rpc::kInvalidRequest,
                      "Unsupported Media Type: Content-Type must be application/json");
  }
  const bool json_ok = accepts(req, "application/json");
  const bool sse_ok = accepts(req, "text/event-stream");
  if (!json_ok && !sse_ok) {
    return json_error(res, 406, rpc::kInvalidRequest,
                      "Not Acceptable: Accept must include application/json and "
                      "text/event-stream");
  }
  json msg = json::parse(req.body, nullptr, false);
  if (msg.is_discarded()) {
    return json_error(res, 400, rpc::kParseError, "Parse error: the body is not valid JSON");
  }
  Classified c = classify(msg);
  bool is_init = c.kind == MessageKind::kRequest && msg["method"] == "initialize";
  std::shared_ptr<SessionEntry> entry;
  if (is_init) {
    entry = l.table.create(false);
    if (!entry) {
      res.set_header("Retry-After", "30");
      return refuse(res, 503, rpc::kInternalError, "Too many sessions", c.id);
    }
  } else {
    if (!protocol_header_ok(req, res)) return;
    std::string sid = req.get_header_value("Mcp-Session-Id");
    if (sid.empty()) {
      return json_error(res, 400, rpc::kInvalidRequest,
                        "Bad Request: Mcp-Session-Id header is required", c.id);
    }
    entry = l.table.find(sid);
    if (!entry) return json_error(res, 404, rpc::kInvalidRequest, "Session not found", c.id);
  }
  if (c.kind == MessageKind::kInvalid) {
    return json_error(res, 400, c.error_code, c.error_message, c.id);
  }
  if (c.kind != MessageKind::kRequest) {
    entry->session->receive(msg);
    res.status = 202;
    return;
  }
  auto st = entry->outbox->open_request_stream(c.id);
  if (!st) {
    // The first request with this id keeps its stream and gets its own answer.
    return json_error(res, 400, rpc::kInvalidRequest,
                      "Bad Request: a request with this id is still in progress on this "
                      "session; use a new id",
                      c.id);
  }
  entry->session->receive(msg);
  if (is_init) {
    if (!entry->session->initialized()) {
      l.table.erase(entry->id);
    } else {
      res.set_header("Mcp-Session-Id", entry->id);
    }
  }
  const Clock::time_point deadline = Clock::now() + l.options.request_timeout;
  {
    std::unique_lock<std::mutex> lock(st->mu);
    if (!sse_ok) {
      // JSON only: wait for the response; other messages of this request go unsent.
      if (!st->cv.wait_until(lock, deadline, [&] { return st->complete; })) {
        lock.unlock();
        entry->outbox->end_request(c.id);
        return json_error(res, 504, rpc::kInternalError,
                          fmt::format("the request did not finish within {} s",
                                      l.options.request_timeout.count()),
                          c.id);
      }
    }
    if (st->complete && st->answered) {
      res.set_content(st->events.back().data, "application/json");
      return;
    }
    if (st->complete && !sse_ok) {
      // Cancelled (notifications/cancelled) or its session ended: no response will come.
      return json_error(res, 200, rpc::kRequestCancelled, "Request cancelled: no response follows",
                        c.id);
    }
  }
  stream_response(res, st, l.options.keepalive, deadline, nullptr);
}

void handle_get(Listener& l, const httplib::Request& req, httplib::Response& res) {
  if (!accepts(req, "text/event-stream")) {
    return json_error(res, 406, rpc::kInvalidRequest,
                      "Not Acceptable: Accept must include text/event-stream");
  }
  if (!protocol_header_ok(req, res)) return;
  std::string sid = req.get_header_value("Mcp-Session-Id");
  if (sid.empty()) {
    return json_error(res, 400, rpc::kInvalidRequest,
                      "Bad Request: Mcp-Session-Id header is required");
  }
  auto entry = l.table.find(sid);
  if (!entry) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
  if (!l.take_stream(req, res)) return;
  auto st = entry->outbox->open_get_stream();
  if (!st) {
    l.streams.release(req.remote_addr);
    return json_error(res, 409, rpc::kInvalidRequest,
                      "Conflict: this session already has an open GET stream");
  }
  std::weak_ptr<HttpOutbox> outbox = entry->outbox;
  stream_response(res, st, l.options.keepalive, Clock::time_point::max(),
                  [&l, client = req.remote_addr, outbox, st] {
                    if (auto o = outbox.lock()) o->release_get_stream(st);
                    l.streams.release(client);
                  });
}

void handle_delete(Listener& l, const httplib::Request& req, httplib::Response& res) {
  if (!protocol_header_ok(req, res)) return;
  std::string sid = req.get_header_value("Mcp-Session-Id");
  if (sid.empty()) {
    return json_error(res, 400, rpc::kInvalidRequest,
                      "Bad Request: Mcp-Session-Id header is required");
  }
  if (!l.table.erase(sid)) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
  res.status = 200;
}

// Legacy HTTP+SSE: GET /sse opens a session whose messages all go on this stream.
void handle_legacy_sse(Listener& l, const httplib::Request& req, httplib::Response& res) {
  if (!l.take_stream(req, res)) return;
  auto entry = l.table.create(true);
  if (!entry) {
    l.streams.release(req.remote_addr);
    res.set_header("Retry-After", "30");
    return refuse(res, 503, rpc::kInternalError, "Too many sessions");
  }
  auto st = entry->outbox->open_get_stream();
  st->push(Event{"endpoint", "/messages?sessionId=" + entry->id});
  std::string id = entry->id;
  stream_response(res, st, l.options.keepalive, Clock::time_point::max(),
                  [&l, client = req.remote_addr, id] {
                    l.table.erase(id);
                    l.streams.release(client);
                  });
}

void handle_legacy_post(Listener& l, const httplib::Request& req, httplib::Response& res) {
  auto entry = l.table.find(req.get_param_value("sessionId"));
  if (!entry) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
  json msg = json::parse(req.body, nullptr, false);
  if (msg.is_discarded()) {
    return json_error(res, 400, rpc::kParseError, "Parse error: the body is not valid JSON");
  }
  entry->session->receive(msg);
  res.status = 202;
  res.set_content("Accepted", "text/plain");
}

// Host / Origin / bearer token before any route (an unauthenticated request costs nothing).
httplib::Server::HandlerResponse guard(const HttpOptions& options, const httplib::Request& req,
                                       httplib::Response& res) {
  if (!host_allowed(req.get_header_value("Host"), options.guard)) {
    refuse(res, 403, rpc::kInvalidRequest, "Forbidden: Host header not allowed");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (!origin_allowed(header(req, "Origin"), options.guard)) {
    refuse(res, 403, rpc::kInvalidRequest, "Forbidden: Origin not allowed");
    return httplib::Server::HandlerResponse::Handled;
  }
  // Extra routes carry their own authorization (e.g. a token in the link) and are fetched by
  // players that cannot send a bearer token.
  bool own_auth = false;
  for (const auto& route : options.routes) {
    own_auth = own_auth || req.path.rfind(route.prefix, 0) == 0;
  }
  if (!own_auth && !bearer_ok(header(req, "Authorization"), options.guard)) {
    res.set_header("WWW-Authenticate", "Bearer");
    refuse(res, 401, rpc::kInvalidRequest, "Unauthorized: a valid bearer token is required");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

// The listener's settings. httplib (Debian's build) listens with a backlog of 5: a burst of new
// connections overflows it and the kernel drops SYNs, which clients resend only after a second;
// the listening socket is noted in `listen_fd` and given a real backlog once bound.
void configure(httplib::Server& svr, const HttpOptions& options, std::atomic<int>& listen_fd) {
  const size_t max_threads = options.max_threads;
  svr.new_task_queue = [max_threads] { return new HttpTaskQueue(max_threads); };
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_keep_alive_timeout(options.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(1000);
  svr.set_read_timeout(30);
  svr.set_write_timeout(30);
  // Responses go out in several writes (headers, body, SSE events): without TCP_NODELAY, Nagle's
  // algorithm holds each next write for the client's delayed ACK (~40 ms per answer on a
  // kept-alive connection). Accepted sockets inherit it from the listening socket.
  svr.set_tcp_nodelay(true);
  svr.set_socket_options([&listen_fd](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
}

// Every route: the guard before all of them, /mcp, the legacy pair, the extra GET routes.
void add_routes(httplib::Server& svr, Listener& l, const HttpOptions& options) {
  svr.set_pre_routing_handler([&options](const httplib::Request& req, httplib::Response& res) {
    return guard(options, req, res);
  });
  svr.Post("/mcp",
           [&l](const httplib::Request& req, httplib::Response& res) { handle_post(l, req, res); });
  svr.Get("/mcp",
          [&l](const httplib::Request& req, httplib::Response& res) { handle_get(l, req, res); });
  svr.Delete("/mcp", [&l](const httplib::Request& req, httplib::Response& res) {
    handle_delete(l, req, res);
  });
  if (options.legacy_sse) {
    svr.Get("/sse", [&l](const httplib::Request& req, httplib::Response& res) {
      handle_legacy_sse(l, req, res);
    });
    svr.Post("/messages", [&l](const httplib::Request& req, httplib::Response& res) {
      handle_legacy_post(l, req, res);
    });
  }
  for (const auto& route : options.routes) {
    std::string pattern;  // the prefix as a literal regex, then anything
    for (char c : route.prefix) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) pattern += '\\';
      pattern += c;
    }
    svr.Get(pattern + ".*", route.handler);
  }
}

// Binds the host and port (0: any free port); returns the bound port, 0 on failure.
int bind_listener(httplib::Server& svr, const HttpOptions& options,
                  const std::atomic<int>& listen_fd) {
  int port = options.port;
  if (port == 0) {
    port = std::max(svr.bind_to_any_port(options.host), 0);
  } else if (!svr.bind_to_port(options.host, port)) {
    port = 0;
  }
  if (port != 0 && listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);
  return port;
}

}  // namespace

int serve_http(Server& server, const HttpOptions& options) {
  net::StopSignals stop_signals;  // before any thread starts
  httplib::Server svr;
  Listener l(server, options);
  std::atomic<int> listen_fd{-1};
  configure(svr, options, listen_fd);
  add_routes(svr, l, options);
  const int port = bind_listener(svr, options, listen_fd);
  if (port == 0) {
    spdlog::error("cannot listen on {}:{}", options.host, options.port);
    return 2;
  }
  if (options.on_listening) options.on_listening(options.host, port);
  const std::string shown_host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  fmt::print(stderr, "listening on http://{}:{}/mcp\n", shown_host, port);
  std::fflush(stderr);

  stop_signals.start([&svr, &l](int sig) {
    spdlog::info("signal {}: stopping", sig);
    l.table.close_all();
    svr.stop();
    net::shutdown_tcp_sockets();  // wakes httplib's keep-alive loops at once (net/sockets.h)
  });
  const bool ok = svr.listen_after_bind();
  stop_signals.finish();
  l.table.close_all();
  return ok ? 0 : 1;
}

}  // namespace omm::mcp

#include "mcp/http_transport.h"

#include <dirent.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "mcp/jsonrpc.h"
#include "mcp/outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"

namespace omm::mcp {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---- thread-per-connection task queue -------------------------------------------------------

class GrowingTaskQueue : public httplib::TaskQueue {
 public:
  explicit GrowingTaskQueue(size_t max_threads) : max_(max_threads) {}
  ~GrowingTaskQueue() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (active_ >= max_) {
      waiting_.push_back(std::move(fn));
      return;
    }
    ++active_;
    lock.unlock();
    std::thread([this, fn = std::move(fn)]() mutable { run(std::move(fn)); }).detach();
  }

  void shutdown() override {
    std::unique_lock<std::mutex> lock(mu_);
    waiting_.clear();
    cv_.wait_for(lock, std::chrono::seconds(5), [this] { return active_ == 0; });
  }

 private:
  void run(std::function<void()> fn) {
    for (;;) {
      fn();
      std::lock_guard<std::mutex> lock(mu_);
      if (waiting_.empty()) {
        --active_;
        cv_.notify_all();
        return;
      }
      fn = std::move(waiting_.front());
      waiting_.pop_front();
    }
  }

  size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t active_ = 0;
  std::deque<std::function<void()>> waiting_;
};

// ---- streams and routing ---------------------------------------------------------------------

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

  void push(Event e, bool last = false) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (complete) return;
      events.push_back(std::move(e));
      if (last) complete = true;
    }
    cv.notify_all();
  }
  void finish() {
    {
      std::lock_guard<std::mutex> lock(mu);
      complete = true;
    }
    cv.notify_all();
  }
};

std::string dump(const json& m) { return m.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_response_to(const json& m, const json& id) {
  return !m.contains("method") && (m.contains("result") || m.contains("error")) &&
         m.contains("id") && m["id"] == id;
}

class HttpOutbox : public Outbox {
 public:
  explicit HttpOutbox(bool legacy) : legacy_(legacy) {}

  std::shared_ptr<Stream> open_request_stream(const json& id) {
    auto s = std::make_shared<Stream>();
    std::lock_guard<std::mutex> lock(mu_);
    by_request_[id_key(id)] = s;
    return s;
  }

  std::shared_ptr<Stream> open_get_stream() {
    std::lock_guard<std::mutex> lock(mu_);
    if (get_stream_ && !get_stream_->detached) return nullptr;
    get_stream_ = std::make_shared<Stream>();
    return get_stream_;
  }

  void release_get_stream(const std::shared_ptr<Stream>& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (get_stream_ == s) get_stream_.reset();
  }

  bool has_get_stream() {
    std::lock_guard<std::mutex> lock(mu_);
    return get_stream_ != nullptr;
  }

  void send(const json& message, const json* related) override {
    bool response = related != nullptr && is_response_to(message, *related);
    deliver(dump(message), related, response, &message);
  }

  void send_response_text(const json& id, const std::string& text) override {
    deliver(text, &id, true, nullptr);
  }

  void end_all() {
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

 private:
  // A related message goes on its request's stream (a response ends it), else on the GET stream.
  void deliver(std::string text, const json* related, bool response, const json* message) {
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

  bool legacy_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Stream>> by_request_;
  std::shared_ptr<Stream> get_stream_;
};

struct Entry {
  std::string id;
  std::shared_ptr<HttpOutbox> outbox;
  std::shared_ptr<Session> session;
  std::atomic<Clock::rep> last_seen{Clock::now().time_since_epoch().count()};
  void touch() { last_seen = Clock::now().time_since_epoch().count(); }
};

std::string random_session_id() {
  static std::mutex mu;
  static std::random_device rd;
  std::lock_guard<std::mutex> lock(mu);
  std::string out;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j) {
      out.push_back(hex[v & 0xF]);
      v >>= 4;
    }
  }
  return out;
}

class SessionTable {
 public:
  SessionTable(Server& server, const HttpOptions& options) : server_(server), options_(options) {}

  std::shared_ptr<Entry> create(bool legacy) {
    reap();
    auto e = std::make_shared<Entry>();
    e->id = random_session_id();
    e->outbox = std::make_shared<HttpOutbox>(legacy);
    e->session = server_.open_session(e->outbox, e->id);
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= options_.max_sessions) return nullptr;
    entries_[e->id] = e;
    return e;
  }

  std::shared_ptr<Entry> find(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    it->second->touch();
    return it->second;
  }

  bool erase(const std::string& id) {
    std::shared_ptr<Entry> e;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(id);
      if (it == entries_.end()) return false;
      e = it->second;
      entries_.erase(it);
    }
    e->session->close();
    e->outbox->end_all();
    return true;
  }

  void close_all() {
    std::map<std::string, std::shared_ptr<Entry>> all;
    {
      std::lock_guard<std::mutex> lock(mu_);
      all.swap(entries_);
    }
    for (auto& [id, e] : all) {
      e->session->close();
      e->outbox->end_all();
    }
  }

 private:
  void reap() {
    auto now = Clock::now().time_since_epoch().count();
    auto limit = std::chrono::duration_cast<Clock::duration>(options_.session_idle_timeout).count();
    std::vector<std::string> idle;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, e] : entries_) {
        if (now - e->last_seen.load() > limit && e->session->in_flight() == 0 &&
            !e->outbox->has_get_stream()) {
          idle.push_back(id);
        }
      }
    }
    for (const auto& id : idle) erase(id);
  }

  Server& server_;
  const HttpOptions& options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// ---- responses -------------------------------------------------------------------------------

void json_error(httplib::Response& res, int status, int code, std::string_view message,
                const json& id = nullptr) {
  res.status = status;
  res.set_content(dump(make_error(id, code, message)), "application/json");
}

void stream_response(httplib::Response& res, std::shared_ptr<Stream> st,
                     std::chrono::milliseconds keepalive, std::function<void()> on_end) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [st, keepalive](size_t, httplib::DataSink& sink) {
        std::unique_lock<std::mutex> lock(st->mu);
        if (st->events.empty() && !st->complete) {
          st->cv.wait_for(lock, keepalive, [&] { return !st->events.empty() || st->complete; });
        }
        std::string out;
        while (!st->events.empty()) {
          const Event& e = st->events.front();
          out += "event: " + e.name + "\ndata: " + e.data + "\n\n";
          st->events.pop_front();
        }
        bool done = st->complete;
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

bool accepts(const httplib::Request& req, std::string_view type) {
  std::string accept = req.get_header_value("Accept");
  return accept.empty() || accept.find(type) != std::string::npos ||
         accept.find("*/*") != std::string::npos;
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

std::optional<std::string_view> header(const httplib::Request& req, const char* name) {
  auto it = req.headers.find(name);
  if (it == req.headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::atomic<httplib::Server*> g_server{nullptr};

// httplib 0.11 keeps an idle keep-alive connection in a poll loop that notices Server::stop()
// only after its keep-alive timeout, and it exposes no connection sockets. At shutdown every
// TCP socket of this process (fd >= 3) is shut down, which wakes those loops at once: without
// it a connected client holds a SIGTERM for ~10 s. Only called once the server is stopping.
void shutdown_tcp_sockets() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd < 3 || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    if (addr.ss_family != AF_INET && addr.ss_family != AF_INET6) continue;
    ::shutdown(static_cast<int>(fd), SHUT_RDWR);
  }
  ::closedir(dir);
}

}  // namespace

int serve_http(Server& server, const HttpOptions& options) {
  // Signals are taken by a dedicated thread (blocked everywhere else; threads inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server svr;
  SessionTable table(server, options);
  size_t max_threads = options.max_threads;
  svr.new_task_queue = [max_threads] { return new GrowingTaskQueue(max_threads); };
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_keep_alive_timeout(30);
  svr.set_keep_alive_max_count(1000);
  svr.set_read_timeout(30);
  svr.set_write_timeout(30);

  svr.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (!host_allowed(req.get_header_value("Host"), options.guard)) {
      json_error(res, 403, rpc::kInvalidRequest, "Forbidden: Host header not allowed");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!origin_allowed(header(req, "Origin"), options.guard)) {
      json_error(res, 403, rpc::kInvalidRequest, "Forbidden: Origin not allowed");
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
      json_error(res, 401, rpc::kInvalidRequest, "Unauthorized: a valid bearer token is required");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr.Post("/mcp", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Content-Type").find("application/json") == std::string::npos) {
      return json_error(res, 415, rpc::kInvalidRequest,
                        "Unsupported Media Type: Content-Type must be application/json");
    }
    if (!accepts(req, "application/json") && !accepts(req, "text/event-stream")) {
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
    std::shared_ptr<Entry> entry;
    if (is_init) {
      entry = table.create(false);
      if (!entry) return json_error(res, 503, rpc::kInternalError, "Too many sessions", c.id);
    } else {
      if (!protocol_header_ok(req, res)) return;
      std::string sid = req.get_header_value("Mcp-Session-Id");
      if (sid.empty()) {
        return json_error(res, 400, rpc::kInvalidRequest,
                          "Bad Request: Mcp-Session-Id header is required", c.id);
      }
      entry = table.find(sid);
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
    entry->session->receive(msg);
    if (is_init) {
      if (!entry->session->initialized()) {
        table.erase(entry->id);
      } else {
        res.set_header("Mcp-Session-Id", entry->id);
      }
    }
    {
      std::unique_lock<std::mutex> lock(st->mu);
      bool sse_ok = accepts(req, "text/event-stream");
      if (!sse_ok) {
        // JSON only: wait for the response; other messages of this request go unsent.
        st->cv.wait(lock, [&] { return st->complete; });
      }
      if (st->complete && !st->events.empty()) {
        res.set_content(st->events.back().data, "application/json");
        return;
      }
    }
    stream_response(res, st, options.keepalive, nullptr);
  });

  svr.Get("/mcp", [&](const httplib::Request& req, httplib::Response& res) {
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
    auto entry = table.find(sid);
    if (!entry) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
    auto st = entry->outbox->open_get_stream();
    if (!st) {
      return json_error(res, 409, rpc::kInvalidRequest,
                        "Conflict: this session already has an open GET stream");
    }
    std::weak_ptr<HttpOutbox> outbox = entry->outbox;
    stream_response(res, st, options.keepalive, [outbox, st] {
      if (auto o = outbox.lock()) o->release_get_stream(st);
    });
  });

  svr.Delete("/mcp", [&](const httplib::Request& req, httplib::Response& res) {
    if (!protocol_header_ok(req, res)) return;
    std::string sid = req.get_header_value("Mcp-Session-Id");
    if (sid.empty()) {
      return json_error(res, 400, rpc::kInvalidRequest,
                        "Bad Request: Mcp-Session-Id header is required");
    }
    if (!table.erase(sid)) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
    res.status = 200;
  });

  if (options.legacy_sse) {
    svr.Get("/sse", [&](const httplib::Request&, httplib::Response& res) {
      auto entry = table.create(true);
      if (!entry) return json_error(res, 503, rpc::kInternalError, "Too many sessions");
      auto st = entry->outbox->open_get_stream();
      st->push(Event{"endpoint", "/messages?sessionId=" + entry->id});
      std::string id = entry->id;
      stream_response(res, st, options.keepalive, [&table, id] { table.erase(id); });
    });
    svr.Post("/messages", [&](const httplib::Request& req, httplib::Response& res) {
      auto entry = table.find(req.get_param_value("sessionId"));
      if (!entry) return json_error(res, 404, rpc::kInvalidRequest, "Session not found");
      json msg = json::parse(req.body, nullptr, false);
      if (msg.is_discarded()) {
        return json_error(res, 400, rpc::kParseError, "Parse error: the body is not valid JSON");
      }
      entry->session->receive(msg);
      res.status = 202;
      res.set_content("Accepted", "text/plain");
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

  int port = options.port;
  if (port == 0) {
    port = svr.bind_to_any_port(options.host);
    if (port < 0) port = 0;
  } else if (!svr.bind_to_port(options.host, port)) {
    port = 0;
  }
  if (port == 0) {
    spdlog::error("cannot listen on {}:{}", options.host, options.port);
    return 2;
  }
  std::string shown_host = options.host.find(':') != std::string::npos
                               ? "[" + options.host + "]" : options.host;
  if (options.on_listening) options.on_listening(options.host, port);
  fmt::print(stderr, "listening on http://{}:{}/mcp\n", shown_host, port);
  std::fflush(stderr);

  g_server = &svr;
  std::thread signal_thread([&svr, &table, signals]() mutable {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == 0) return;
    spdlog::info("signal {}: stopping", sig);
    table.close_all();
    svr.stop();
    shutdown_tcp_sockets();
  });
  bool ok = svr.listen_after_bind();
  table.close_all();
  g_server = nullptr;
  // Wake the signal thread if the server stopped for another reason.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  return ok ? 0 : 1;
}

}  // namespace omm::mcp

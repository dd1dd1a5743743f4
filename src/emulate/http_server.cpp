#include "emulate/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "core/ascii.h"
#include "core/random_id.h"
#include "net/sockets.h"
#include "net/stop_signals.h"
#include "oss/percent_encode.h"

namespace omm::emulate {

namespace {

// httplib 0.11 exposes no connection socket: this request's is found by its two ports and shut
// down, so the client sees the connection close (a dropped connection fault).
void drop_connection(const httplib::Request& req) {
  net::shutdown_connection(req.local_port, req.remote_port);
}

class Faults {
 public:
  explicit Faults(const FaultConfig& c)
      : c_(c), rng_(c.seed != 0 ? c.seed : std::random_device{}()) {}
  struct Draw {
    bool drop_before = false;
    bool error_5xx = false;
    bool drop_after = false;
  };
  Draw draw() {
    std::lock_guard<std::mutex> lock(mu_);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Draw d;
    double a = u(rng_), b = u(rng_), c = u(rng_);  // always three draws: reproducible
    d.drop_before = a < c_.drop_before;
    d.error_5xx = b < c_.error_5xx;
    d.drop_after = c < c_.drop_after;
    return d;
  }
  int latency_ms() const { return c_.latency_ms; }

 private:
  FaultConfig c_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// Splits "a=1&b&c=" into decoded pairs in order; false on a bad escape.
bool parse_query(std::string_view raw, oss::Params& out) {
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view item = raw.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    auto k = oss::percent_decode(item.substr(0, eq));
    auto v = oss::percent_decode(eq == std::string_view::npos ? "" : item.substr(eq + 1));
    if (!k || !v) return false;
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return true;
}

std::string new_request_id() { return to_upper(random_hex(12)); }

// Returns false (and fills `bad`) when the target cannot be decoded.
bool decode(const httplib::Request& req, Call& call, std::string& bad) {
  call.req.method = req.method;
  for (const auto& [k, v] : req.headers) {
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT")
      continue;
    call.req.headers.emplace_back(k, v);
  }
  call.host = req.get_header_value("Host");
  call.req.body = req.body;
  std::string_view target = req.target;
  std::size_t qm = target.find('?');
  auto path = oss::percent_decode(target.substr(0, qm));
  if (!path || path->empty() || (*path)[0] != '/') {
    bad = "the request path is not valid";
    return false;
  }
  if (qm != std::string_view::npos && !parse_query(target.substr(qm + 1), call.req.query)) {
    bad = "the query string is not valid percent-encoding";
    return false;
  }
  std::string bucket = bucket_from_host(call.host);
  std::string rest = path->substr(1);
  if (bucket.empty()) {
    std::size_t slash = rest.find('/');
    bucket = rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
  }
  call.req.bucket = bucket;
  call.req.key = rest;
  return true;
}

}  // namespace

std::string bucket_from_host(const std::string& host) {
  std::string h = host;
  if (!h.empty() && h[0] == '[') return {};  // IPv6 literal
  if (std::size_t colon = h.rfind(':'); colon != std::string::npos) h.erase(colon);
  std::size_t dot = h.find('.');
  if (h.empty() || h == "localhost" || dot == std::string::npos) return {};
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return {};
  std::string label = h.substr(0, dot);
  if (label.rfind("oss-", 0) == 0 || label == "imm") return {};
  return label;
}

int serve_emulator(Emulator& emulator, const ListenConfig& listen, const FaultConfig& fault_config,
                   const std::function<void(const std::string&)>& on_listening) {
  net::StopSignals stop_signals;  // before any thread starts
  httplib::Server svr;
  Faults faults(fault_config);
  svr.set_keep_alive_timeout(5);
  // httplib closes a connection after 5 requests by default; OSS keeps it far longer.
  svr.set_keep_alive_max_count(1000);
  // Ranges are answered by the object API itself (206 / 416 with OSS's error XML): keep httplib
  // from slicing bodies again. The Range header stays in the headers.
  svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    const_cast<httplib::Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto handler = [&](const httplib::Request& req, httplib::Response& res) {
    if (faults.latency_ms() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(faults.latency_ms()));
    Faults::Draw draw = faults.draw();
    Call call;
    call.request_id = new_request_id();
    std::string bad;
    bool ok = decode(req, call, bad);
    bool imm = oss::find_header(call.req.headers, "x-acs-action").has_value();
    if (draw.drop_before) {
      spdlog::info("emulate: fault: dropping {} {} before acting", req.method, req.path);
      drop_connection(req);
      return;
    }
    Reply reply;
    if (draw.error_5xx) {
      reply =
          imm ? emulator.pop_error(call, 503, "ServiceUnavailable", "injected fault (--fault-5xx)")
              : emulator.oss_error(call, 503, "ServiceUnavailable", "injected fault (--fault-5xx)");
    } else if (!ok) {
      reply = emulator.oss_error(call, 400, "InvalidArgument", bad);
    } else {
      reply = emulator.handle(call);
    }
    if (draw.drop_after && !draw.error_5xx) {
      spdlog::info("emulate: fault: dropping {} {} after acting", req.method, req.path);
      drop_connection(req);
      return;
    }
    spdlog::debug("emulate: {} {} -> {}", req.method, req.path, reply.status);
    res.status = reply.status;
    res.set_header("x-oss-request-id", call.request_id);
    if (imm) res.set_header("x-acs-request-id", call.request_id);
    res.set_header("Server", "AliyunOSS");
    res.set_header("Date", oss::rfc1123(std::chrono::system_clock::now()));
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    const std::string type =
        reply.content_type.empty() ? "application/octet-stream" : reply.content_type;
    if (!reply.file.empty() && reply.file_length > 0) {
      int fd = ::open(reply.file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        Reply e = emulator.oss_error(call, 500, "InternalError", "cannot read the object");
        res.status = e.status;
        res.set_content(e.body, e.content_type);
        return;
      }
      // Read in 256 KiB slices as the socket takes them; the descriptor closes with the response.
      auto file = std::shared_ptr<int>(new int(fd), [](int* f) {
        ::close(*f);
        delete f;
      });
      const std::uint64_t base = reply.file_offset;
      res.set_content_provider(static_cast<size_t>(reply.file_length), type,
                               [file, base](size_t offset, size_t length, httplib::DataSink& sink) {
                                 std::vector<char> buf(std::min<size_t>(length, 256 * 1024));
                                 ssize_t n = ::pread(*file, buf.data(), buf.size(),
                                                     static_cast<off_t>(base + offset));
                                 if (n <= 0)
                                   return false;  // the file shrank under us: abort the answer
                                 return sink.write(buf.data(), static_cast<size_t>(n));
                               });
    } else if (!reply.body.empty() || !reply.content_type.empty()) {
      res.set_content(reply.body, type);
    }
  };
  svr.Get(".*", handler);
  svr.Put(".*", handler);
  svr.Post(".*", handler);
  svr.Delete(".*", handler);
  svr.Options(".*", handler);
  svr.Patch(".*", handler);

  int port = listen.port;
  if (port == 0) {
    port = svr.bind_to_any_port(listen.host);  // -1 on failure
  } else if (!svr.bind_to_port(listen.host, port)) {
    port = -1;
  }
  if (port < 0) {
    spdlog::error("emulate: cannot listen on {}:{}", listen.host, listen.port);
    return 1;
  }
  stop_signals.start([&svr](int sig) {
    spdlog::info("emulate: signal {}, stopping", sig);
    svr.stop();
  });
  const bool v6 = listen.host.find(':') != std::string::npos;
  on_listening(v6 ? fmt::format("http://[{}]:{}", listen.host, port)
                  : fmt::format("http://{}:{}", listen.host, port));
  svr.listen_after_bind();
  stop_signals.finish();
  return 0;
}

}  // namespace omm::emulate

#include "oss/http_client.h"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "net/httplib_client.h"

namespace omm::oss {
namespace {

constexpr size_t kFileChunk = 64 * 1024;

bool is_2xx(int status) { return status >= 200 && status < 300; }

Status failure(std::string_view id, const Exchange& ex, std::string_view what) {
  return Status::error(std::string(id), ex.method + " " + net::url_for_log(ex.url) +
                                            " failed: " + std::string(what));
}

Status from_httplib(httplib::Error e, const Exchange& ex) {
  using E = httplib::Error;
  const std::string what = httplib::to_string(e);
  switch (e) {
    case E::Connection:
    case E::ConnectionTimeout:
    case E::BindIPAddress:
    case E::SSLConnection:
      return failure("http.connect", ex, what);
    case E::SSLLoadingCerts:
    case E::SSLServerVerification:
      return failure("http.tls", ex, what);
    case E::Write:
      return failure("http.send", ex, what);
    case E::Canceled:
      return failure("http.canceled", ex, what);
    default:
      return failure("http.receive", ex, what);
  }
}

// Closes the descriptor when the exchange ends.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

net::ClientSettings settings_for(const Timeouts& t, bool keep_alive) {
  net::ClientSettings s;
  s.connect_timeout = t.connect;
  s.read_timeout = t.read;
  s.write_timeout = t.read;
  s.keep_alive = keep_alive;
  s.url_encode = false;  // the target is signed as it is
  return s;
}

httplib::Headers to_httplib(const Params& headers) {
  httplib::Headers out;
  bool accept_encoding = false, user_agent = false;
  for (const auto& [name, value] : headers) {
    const std::string n = to_lower(name);
    accept_encoding = accept_encoding || n == "accept-encoding";
    user_agent = user_agent || n == "user-agent";
    out.emplace(name, value);
  }
  if (!accept_encoding) out.emplace("Accept-Encoding", "identity");
  if (!user_agent) out.emplace("User-Agent", "oss-media-mcp");
  return out;
}

}  // namespace

// Idle kept-alive connections by "scheme://host:port".
struct HttplibClient::Pool {
  using Clock = std::chrono::steady_clock;
  struct Idle {
    std::unique_ptr<httplib::ClientImpl> client;
    Clock::time_point since;
  };
  size_t max_idle;
  std::chrono::milliseconds idle_limit;
  std::mutex mu;
  std::map<std::string, std::vector<Idle>> idle;
  size_t count = 0;

  std::unique_ptr<httplib::ClientImpl> take(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = idle.find(key);
    const auto now = Clock::now();
    while (it != idle.end() && !it->second.empty()) {
      Idle entry = std::move(it->second.back());
      it->second.pop_back();
      --count;
      if (now - entry.since < idle_limit) return std::move(entry.client);
    }
    return nullptr;
  }
  void give_back(const std::string& key, std::unique_ptr<httplib::ClientImpl> client) {
    std::lock_guard<std::mutex> lock(mu);
    const auto now = Clock::now();
    for (auto& [k, list] : idle) {  // the expired go first
      std::erase_if(list, [&](const Idle& e) {
        bool old = now - e.since >= idle_limit;
        if (old) --count;
        return old;
      });
    }
    if (count >= max_idle) return;  // closed when `client` goes
    idle[key].push_back(Idle{std::move(client), now});
    ++count;
  }
};

HttplibClient::HttplibClient(size_t max_idle, std::chrono::milliseconds idle_limit)
    : pool_(std::make_unique<Pool>()) {
  pool_->max_idle = max_idle;
  pool_->idle_limit = idle_limit;
}

HttplibClient::~HttplibClient() = default;

Result<Reply> HttplibClient::send(const Exchange& ex) {
  auto parsed = net::parse_http_url(ex.url);
  if (!parsed) return parsed.status();
  const net::HttpUrl& u = *parsed;
  auto is_cancelled = [&] { return ex.cancelled && ex.cancelled(); };
  const Status cancelled_status = Status::error("cancelled", "the call was cancelled");
  if (is_cancelled()) return cancelled_status;
  const std::string pool_key = u.scheme + "://" + u.host + ":" + std::to_string(u.port);
  std::unique_ptr<httplib::ClientImpl> client =
      ex.reuse_connection ? pool_->take(pool_key) : nullptr;
  const net::ClientSettings settings = settings_for(ex.timeouts, ex.reuse_connection);
  if (!client) {
    client = net::make_client(u, settings);
  } else {
    net::set_timeouts(*client, settings);
  }
  const httplib::Headers headers = to_httplib(ex.headers);
  const std::string method = ex.method;

  Reply reply;
  // The request body, from a file or the string, handed to httplib piece by piece (a provider
  // also keeps httplib from adding a Content-Type of its own).
  Fd file;
  Status file_error;
  uint64_t body_length = ex.body.size();
  if (ex.file) {
    file.fd = ::open(ex.file->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) return failure("http.file", ex, "cannot open " + ex.file->path);
    body_length = ex.file->length;
  }
  bool was_cancelled = false;
  httplib::ContentProvider provider = [&](size_t offset, size_t length, httplib::DataSink& sink) {
    if (is_cancelled()) {
      was_cancelled = true;
      return false;
    }
    char buf[kFileChunk];
    const size_t want = std::min(length, sizeof buf);
    const char* data = buf;
    size_t n = 0;
    if (ex.file) {
      const ssize_t got = ::pread(file.fd, buf, want, static_cast<off_t>(ex.file->offset + offset));
      if (got <= 0) {
        file_error = failure("http.file", ex, "cannot read " + ex.file->path + " (did it shrink?)");
        return false;
      }
      n = static_cast<size_t>(got);
    } else {
      data = ex.body.data() + offset;
      n = want;
    }
    if (ex.on_sent) ex.on_sent(offset, data, n);
    return sink.write(data, n);
  };

  httplib::Result res{nullptr, httplib::Error::Unknown};
  if (method == "GET") {
    int status = 0;
    res = client->Get(
        u.target, headers,
        [&](const httplib::Response& r) {
          status = r.status;
          return true;
        },
        [&](const char* data, size_t size) {
          if (is_cancelled()) {
            was_cancelled = true;
            return false;
          }
          reply.body_size += size;
          if (is_2xx(status) && ex.sink) return ex.sink(data, size);
          if (reply.body.size() < kMaxErrorBody || is_2xx(status)) reply.body.append(data, size);
          return true;
        });
  } else if (method == "HEAD") {
    res = client->Head(u.target, headers);
  } else if (method == "DELETE") {
    res = client->Delete(u.target, headers);
  } else if (method == "PUT" || method == "POST") {
    const bool put = method == "PUT";
    if (body_length > 0) {
      res = put ? client->Put(u.target, headers, body_length, provider, std::string())
                : client->Post(u.target, headers, body_length, provider, std::string());
    } else {
      res = put ? client->Put(u.target, headers, std::string(), std::string())
                : client->Post(u.target, headers, std::string(), std::string());
    }
  } else {
    return failure("http.url", ex, "unsupported method");
  }

  if (was_cancelled) return cancelled_status;
  if (!file_error.is_ok()) return file_error;
  if (!res) return from_httplib(res.error(), ex);
  // A whole successful exchange: its connection serves the next one (unless the server closes
  // it). After an error answer the server may not have read the whole request body: such a
  // connection is not trusted with another request.
  if (ex.reuse_connection && is_2xx(res->status) &&
      res->get_header_value("Connection") != "close") {
    pool_->give_back(pool_key, std::move(client));
  }
  reply.status = res->status;
  for (const auto& [name, value] : res->headers) reply.headers.emplace_back(name, value);
  if (method != "GET") {
    reply.body = std::move(res->body);
    reply.body_size = reply.body.size();
  }
  return reply;
}

Result<HttpResponse> HttpClientFetcher::fetch(const HttpRequest& request) {
  Exchange ex;
  ex.method = request.method;
  ex.url = request.url;
  ex.headers = request.headers;
  ex.body = request.body;
  ex.timeouts.connect = std::chrono::milliseconds(request.timeout_ms);
  ex.timeouts.read = std::chrono::milliseconds(request.timeout_ms);
  auto r = client_.send(ex);
  if (!r) return r.status();
  HttpResponse out;
  out.status = r->status;
  out.body = std::move(r->body);
  return out;
}

}  // namespace omm::oss

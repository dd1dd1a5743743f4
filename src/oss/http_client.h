// The HTTP transport of the oss backend: one request → status, headers, body. It only moves
// bytes — no signing, no retries, no error-body parsing (oss_client.h and imm_client.h do those).
//
// A request body is a string or a slice of a file read in 64 KiB pieces as the socket takes
// them; a 2xx response body is buffered or streamed into a sink callback (non-2xx bodies are
// always buffered, up to kMaxErrorBody, so the caller can read the service's error document).
// http and https (OpenSSL, the system CA store, host name verified); no redirects, no
// compression ("Accept-Encoding: identity" unless the caller sets it), TCP_NODELAY, the
// target sent exactly as given (already percent-encoded). Headers are sent as given; the
// transport adds Host, Content-Length, Accept and User-Agent only when absent — and never a
// Content-Type: a caller sending a body must set the one it signed (oss_protocol.md §0 pitfall 2).
//
// Transport failures are a Status with one of these ids (the message names the method and the
// URL without its query, which may hold a signature):
//   http.url      the URL is not absolute http(s)://host[:port]/... (net/url.h)
//   http.connect  nothing was sent: refused, unreachable, connect timeout, TLS handshake.
//                 Safe to retry any request, POST included.
//   http.send     the connection broke while the request was being written
//   http.receive  the request left but no complete response came back (closed, read timeout);
//                 the server may have acted on it
//   http.tls      certificates could not be loaded or the server's did not verify
//   http.file     the request body file could not be opened or read (or shrank)
//   http.canceled the sink returned false
//   cancelled     Exchange::cancelled returned true (checked before connecting and between
//                 body pieces in both directions)
//
// Connections are kept alive and reused: an exchange takes an idle connection to the same scheme,
// host and port (or opens one) and gives it back after a 2xx answer; idle ones are
// closed after `idle_limit` (below the 5 s many servers keep an idle connection), at most
// `max_idle` are kept. Against OSS that saves a TLS handshake per request. A connection that
// failed or answered an error is never reused; Exchange::reuse_connection = false opts out.
//
// Thread-safety: one HttplibClient serves any number of threads (each exchange has its
// connection to itself). Nothing here logs; callers log keys and paths only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "oss/credential_io.h"
#include "oss/sign_request.h"

namespace omm::oss {

struct Timeouts {
  std::chrono::milliseconds connect{10000};  // TCP connect + TLS handshake
  std::chrono::milliseconds read{60000};     // each read and each write on the socket
};

// Part of a file sent as the request body.
struct FileBody {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Receives a 2xx response body chunk by chunk; false aborts the exchange (http.canceled).
using BodySink = std::function<bool(const char* data, size_t size)>;
// Sees each request-body chunk as it goes out, with its offset in the body (a CRC of what was
// really sent). Called again from offset 0 if the same Exchange is sent again.
using SentObserver = std::function<void(uint64_t offset, const char* data, size_t size)>;

struct Exchange {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // "https://host[:port]/path?query", path and query already encoded
  Params headers;
  std::string body;
  std::optional<FileBody> file;     // when set, the body comes from here instead of `body`
  BodySink sink;                    // when set, a 2xx body goes here instead of Reply::body
  SentObserver on_sent;             // optional
  std::function<bool()> cancelled;  // optional; true ends the exchange with [cancelled]
  Timeouts timeouts;
  // false: a new connection, closed afterwards. For a request that is not retried: a kept
  // connection the server closes just as the request goes out fails it.
  bool reuse_connection = true;
};

struct Reply {
  int status = 0;
  Params headers;          // as received
  std::string body;        // the buffered body (with a sink: only a non-2xx body)
  uint64_t body_size = 0;  // bytes received, whether buffered or given to the sink
};

inline constexpr size_t kMaxErrorBody = 1 << 20;  // non-2xx bodies are cut here

// The interface the OSS and IMM clients use, so tests can put a fake or a fault injector here.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any HTTP status is a Reply; only transport failures are errors (ids above).
  virtual Result<Reply> send(const Exchange& exchange) = 0;
};

// The real transport over cpp-httplib + OpenSSL.
class HttplibClient final : public HttpClient {
 public:
  explicit HttplibClient(size_t max_idle = 32,
                         std::chrono::milliseconds idle_limit = std::chrono::milliseconds(4000));
  ~HttplibClient() override;
  Result<Reply> send(const Exchange& exchange) override;

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

// The credential chain's HttpFetcher (STS, ECS metadata) over an HttpClient.
class HttpClientFetcher final : public HttpFetcher {
 public:
  explicit HttpClientFetcher(HttpClient& client) : client_(client) {}
  Result<HttpResponse> fetch(const HttpRequest& request) override;

 private:
  HttpClient& client_;
};

}  // namespace omm::oss

// cpp-httplib clients made one way for every HTTP client of the server: the oss backend's
// transport (oss/http_client.cpp, kept alive and pooled) and the local backend's `uri` fetches
// (files/uri_fetch.cpp, one connection per hop).
//
// Every client: https verifies the server's certificate against the host name (the system CA
// store); no redirects followed (callers check each hop themselves); no decompression (bytes
// arrive as sent); TCP_NODELAY; the given timeouts, to the millisecond. Only .cpp adapters that
// already include <httplib.h> use this. Thread-safety: a made client belongs to one thread at a
// time (httplib's rule).
#pragma once

#include <chrono>
#include <memory>

#include "net/url.h"

namespace httplib {
class ClientImpl;
}

namespace omm::net {

struct ClientSettings {
  std::chrono::milliseconds connect_timeout{10000};  // TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{60000};     // each read from the socket
  std::chrono::milliseconds write_timeout{60000};    // each write to the socket
  bool keep_alive = false;  // true: the connection stays open for the next request
  bool url_encode = true;   // false: the target goes out exactly as given (already encoded)
};

// A client for `url`'s scheme, host and port.
std::unique_ptr<httplib::ClientImpl> make_client(const HttpUrl& url,
                                                 const ClientSettings& settings);

// Sets a (reused) client's three timeouts.
void set_timeouts(httplib::ClientImpl& client, const ClientSettings& settings);

}  // namespace omm::net

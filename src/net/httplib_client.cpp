#include "net/httplib_client.h"

#include <httplib.h>

namespace omm::net {

namespace {

// httplib takes seconds and microseconds.
template <class Set>
void apply(std::chrono::milliseconds d, Set set) {
  set(static_cast<time_t>(d.count() / 1000), static_cast<time_t>((d.count() % 1000) * 1000));
}

}  // namespace

void set_timeouts(httplib::ClientImpl& c, const ClientSettings& s) {
  apply(s.connect_timeout, [&](time_t sec, time_t us) { c.set_connection_timeout(sec, us); });
  apply(s.read_timeout, [&](time_t sec, time_t us) { c.set_read_timeout(sec, us); });
  apply(s.write_timeout, [&](time_t sec, time_t us) { c.set_write_timeout(sec, us); });
}

std::unique_ptr<httplib::ClientImpl> make_client(const HttpUrl& u, const ClientSettings& s) {
  std::unique_ptr<httplib::ClientImpl> c;
  if (u.scheme == "https") {
    auto ssl = std::make_unique<httplib::SSLClient>(u.host, u.port);
    ssl->enable_server_certificate_verification(true);
    c = std::move(ssl);
  } else {
    c = std::make_unique<httplib::ClientImpl>(u.host, u.port);
  }
  set_timeouts(*c, s);
  c->set_keep_alive(s.keep_alive);
  c->set_url_encode(s.url_encode);
  c->set_tcp_nodelay(true);
  c->set_follow_location(false);
  c->set_decompress(false);
  return c;
}

}  // namespace omm::net

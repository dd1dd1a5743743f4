#include "net/sockets.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

namespace omm::net {

namespace {

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Calls `fn(fd, local address)` for each IPv4/IPv6 socket descriptor >= 3.
template <class Fn>
void for_each_inet_socket(Fn fn) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd < 3 || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    if (::getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0) {
      continue;
    }
    if (local.ss_family != AF_INET && local.ss_family != AF_INET6) continue;
    fn(static_cast<int>(fd), local);
  }
  ::closedir(dir);
}

}  // namespace

void shutdown_tcp_sockets() {
  for_each_inet_socket([](int fd, const sockaddr_storage&) { ::shutdown(fd, SHUT_RDWR); });
}

bool shutdown_connection(int local_port, int remote_port) {
  bool found = false;
  for_each_inet_socket([&](int fd, const sockaddr_storage& local) {
    if (found || port_of(local) != local_port) return;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return;
    if (port_of(peer) != remote_port) return;
    ::shutdown(fd, SHUT_RDWR);
    found = true;
  });
  return found;
}

}  // namespace omm::net

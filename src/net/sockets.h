// Reaching the TCP sockets of this process that cpp-httplib 0.11 keeps to itself (it exposes no
// connection's descriptor): both walk /proc/self/fd and act on socket descriptors (fd >= 3).
//
// shutdown_tcp_sockets: every IPv4/IPv6 socket, listening or connected, is shut down for
// reading and writing. For a server that is stopping: httplib's keep-alive loops notice
// Server::stop() only after their keep-alive timeout, and a shut-down socket wakes them at once.
//
// shutdown_connection: the one connected socket whose local and peer ports are the given ones
// (a request's connection, httplib::Request::local_port / remote_port); the client sees the
// connection close. Returns whether one was found.
//
// Thread-safe (descriptors are only shut down, never closed: their owners still close them).
#pragma once

namespace omm::net {

void shutdown_tcp_sockets();
bool shutdown_connection(int local_port, int remote_port);

}  // namespace omm::net

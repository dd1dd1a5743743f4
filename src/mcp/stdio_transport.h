// stdio transport: newline-delimited JSON-RPC on two file descriptors (default stdin/stdout).
//
// One reader (this thread) splits lines itself from raw read(2) chunks (no stdio buffering
// mixed with polling), so messages arriving together are all handled at once. Writes are
// serialised under a mutex and always end with '\n'; nothing but protocol goes to `out_fd`.
// A line longer than `max_line_bytes` is discarded up to its newline and answered with -32600.
// At end of input, in-flight calls get up to `drain` to finish, then are cancelled.
#pragma once

#include <chrono>
#include <cstddef>

namespace omm::mcp {

class Server;

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  size_t max_line_bytes = 8u << 20;  // 8 MiB
  std::chrono::milliseconds drain{2000};
};

// Serves one session until end of input. Returns 0 on a clean end of input.
int serve_stdio(Server& server, const StdioOptions& options = {});

}  // namespace omm::mcp

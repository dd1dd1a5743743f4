// The emulator's HTTP listener (cpp-httplib): decodes each request into a Call (bucket and key
// from a virtual-hosted Host `<bucket>.<anything>` or the path `/<bucket>/<key>`; path and query
// percent-decoded from the raw target, '+' kept), injects faults, hands it to the Emulator and
// writes the Reply with `x-oss-request-id` (and `x-acs-request-id` for IMM).
//
// Faults, drawn per request from one generator seeded with `seed` in a fixed order (so a run
// is reproducible for a given request sequence): latency first, then with probability
// drop_before the connection is closed without acting, with probability error_5xx a 503
// ServiceUnavailable is answered without acting, and with probability drop_after the request
// is acted on and the connection closed without a response.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "emulate/emulator.h"

namespace omm::emulate {

struct FaultConfig {
  double error_5xx = 0;    // --fault-5xx P
  double drop_before = 0;  // --fault-drop P
  double drop_after = 0;   // --fault-drop-after P
  int latency_ms = 0;      // --latency-ms N
  std::uint64_t seed = 0;  // --seed N (0: random)
};

struct ListenConfig {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
};

// Serves until SIGINT/SIGTERM; `on_listening` receives the bound "http://HOST:PORT".
// Returns the process exit code.
int serve_emulator(Emulator& emulator, const ListenConfig& listen, const FaultConfig& faults,
                   const std::function<void(const std::string&)>& on_listening);

// Bucket from a Host header, or "" for path-style addressing (IP literals, localhost, names
// without a dot, and service endpoints whose first label starts with "oss-" or "imm.").
std::string bucket_from_host(const std::string& host);

}  // namespace omm::emulate

// `oss-media-mcp emulate`: the command line of the OSS + IMM emulator (docs/emulate.md).
// Parses the flags, falls back to ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (and
// ALIBABA_CLOUD_SECURITY_TOKEN) for the credentials, prints "listening http://HOST:PORT" as one
// line on stdout once bound, and serves until SIGINT/SIGTERM. Logs go to stderr.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "emulate/emulator.h"
#include "emulate/http_server.h"

namespace omm::emulate {

extern const char* const kEmulateUsage;

struct EmulateArgs {
  EmulatorConfig emulator;
  ListenConfig listen;
  FaultConfig faults;
  std::string log_level = "info";
  bool help = false;
};

// Errors: invalid_argument.emulate.<flag> naming the flag.
Result<EmulateArgs> parse_emulate_args(const std::vector<std::string>& args);

// The whole command: returns the exit code (2 for bad flags).
int run_emulate(const std::vector<std::string>& args);

}  // namespace omm::emulate

// fuzz_cli_args: `serve` flag parsing on an argv built from the input split at NUL bytes.
//
// Checked: no crash; an accepted result is within the documented ranges (transport one of
// stdio/http/sse, port 0..65535, workers 1..1024, queue 0..100000, page size 0 or 1..1000); a
// refusal has an id under invalid_argument.cli and a message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_cli_args: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  unsetenv("OSS_MEDIA_MCP_AUTH_TOKEN");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    args.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  auto r = omm::cli::parse_serve_args(args);
  if (r.ok()) {
    const omm::cli::ServeArgs& a = *r;
    check(a.transport == "stdio" || a.transport == "http" || a.transport == "sse", "transport");
    check(a.port >= 0 && a.port <= 65535, "port range");
    check(a.workers >= 1 && a.workers <= 1024, "workers range");
    check(a.queue <= 100000, "queue range");
    check(a.page_size <= 1000, "page size range");
    check(!a.host.empty(), "empty host");
  } else {
    check(r.status().id().rfind("invalid_argument.cli", 0) == 0, "error id");
    check(!r.status().message().empty(), "error message");
  }
  for (const auto& arg : args) {
    std::string host;
    int port = -1;
    if (omm::cli::parse_listen(arg, &host, &port)) check(port >= 0 && port <= 65535, "listen port");
  }
  return 0;
}

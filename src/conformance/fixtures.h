// The fixtures the MCP conformance suite (@modelcontextprotocol/conformance server scenarios)
// expects — tools, resources and prompts — plus `test_slow_operation`, used by the project's own
// end-to-end tests of progress and cancellation. Registered only with
// `serve --conformance-fixtures`; never part of the product's tool list.
//
// `test_slow_operation` writes its `output_path` only where FixtureOptions::resolve_output_path
// allows: the server passes output_dir_resolver (conformance/output_path.h), which keeps it inside
// the output directory; without a resolver every output_path is refused
// (`invalid_argument.test_slow_operation.output_path`). The file is written as a temporary file
// renamed on success; cancellation kills the child and removes the temporary file.
//
// Thread-safety: register_fixtures adds to the server's registries like any other registration
// (call it while setting the server up); the registered handlers are thread-safe as long as the
// resolver is, and share nothing else between calls.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace omm::mcp {
class Server;
}

namespace omm::conformance {

// The id of every refusal of test_slow_operation's output_path.
inline constexpr const char* kOutputPathId = "invalid_argument.test_slow_operation.output_path";

// output_path as the client gave it -> the absolute path to write, or a refusal (whose message
// shows no server path).
using OutputPathResolver = std::function<Result<std::string>(const std::string& output_path)>;

struct FixtureOptions {
  OutputPathResolver resolve_output_path;  // unset: test_slow_operation writes no file
};

void register_fixtures(mcp::Server& server, FixtureOptions options);

}  // namespace omm::conformance

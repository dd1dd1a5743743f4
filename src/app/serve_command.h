// `oss-media-mcp [serve] …` and `oss-media-mcp doctor …`, from the parsed serve options
// (cli/args.h): the MCP server with the product tools, prompts and docs resources over stdio or
// HTTP (Streamable HTTP and legacy SSE), and the doctor tool of the same backend run once.
// Every outgoing message and every log line passes the oss redactor (DESIGN.md "Redaction").
//
// Thread-safety: whole commands; run one, once, from main().
#pragma once

#include "cli/args.h"

namespace omm::app {

// Serves until the transport ends (stdin closed, or SIGINT/SIGTERM over HTTP); returns the
// transport's exit code.
int run_serve(const omm::cli::ServeArgs& a);

// The doctor tool of the backend these options select, printed as JSON on stdout: 0 when every
// check passes, 1 when one fails (or the tool fails: its JSON error, one line on stderr).
int run_doctor(const omm::cli::ServeArgs& a);

}  // namespace omm::app

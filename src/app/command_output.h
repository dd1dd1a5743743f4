// What the subcommands share on the terminal: the logger (stderr), a JSON answer (stdout) and a
// failure (its JSON answer on stdout, one line on stderr). Stdout belongs to the answer (or to the
// protocol, under serve): nothing here logs to it.
//
// Thread-safety: setup_logging runs once, before any other thread starts; print_json and fail
// write to stdout without locking and are for the one-shot commands (process, doctor).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/status.h"

namespace omm::app {

// Makes spdlog's default logger write to stderr at `level` (spdlog's names: trace … off).
void setup_logging(const std::string& level);

// `j` on stdout, indented by two, invalid UTF-8 replaced, and a newline.
void print_json(const nlohmann::json& j);

// Prints {"success": false, "error", "error_id"} on stdout and "oss-media-mcp: <error>" on
// stderr; returns the exit code 1.
int fail(const omm::Status& s);

}  // namespace omm::app

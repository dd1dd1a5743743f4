// The shared main loop of an engine worker executable (docs/local-backend.md): flags, the memory
// limit, and newline-delimited JSON requests/responses on stdin/stdout. An engine supplies one
// function that runs a request; this code never links a media library.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace omm::engine {

struct WorkerLimits {
  std::uint64_t max_pixels = 250000000;  // --max-pixels
  std::uint64_t memory_limit_mb = 0;     // --memory-limit-mb (0: none)
};

// Runs one request; returns {"metadata":…, "data":…} (either may be absent) or a Status whose
// id becomes the response's error id. May throw: exceptions become `engine.internal`,
// std::bad_alloc becomes `engine.limit.memory`.
using JobHandler = std::function<Result<nlohmann::json>(const nlohmann::json& request,
                                                        const WorkerLimits& limits)>;

// Parses argv, applies RLIMIT_AS, calls `init` once (library start-up; a failure exits 3), then
// serves requests until end of input. Returns the process exit code.
int run_worker(int argc, char** argv, const char* name, const std::function<Status()>& init,
               const JobHandler& handler);

}  // namespace omm::engine

// `oss-media-mcp process …`: one operation from the command line (the flags of
// cli/process_args.h), run on the backend the flags and the environment select and answered as
// JSON on stdout. The working directory is an input directory and the default output directory.
//
// Thread-safety: a whole command; run once, from main().
#pragma once

#include <string>
#include <vector>

namespace omm::app {

// The arguments after "process". Exit codes: 0 done (or --help), 1 the operation failed (its
// JSON error on stdout, one line on stderr), 2 bad flags (the message and the usage on stderr).
int run_process(const std::vector<std::string>& args);

}  // namespace omm::app

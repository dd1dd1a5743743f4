// The command line's own texts: the version, `oss-media-mcp --help` (the subcommands and the
// serve options) and `oss-media-mcp process --help`. Constants, printed as they are.
#pragma once

namespace omm::cli {

inline constexpr const char* kVersion = "0.1.0";
extern const char* const kUsage;
extern const char* const kProcessUsage;

}  // namespace omm::cli

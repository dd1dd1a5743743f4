// MCP logging levels (syslog order) and their names.
#pragma once

#include <optional>
#include <string_view>

namespace omm::mcp {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };

std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);

}  // namespace omm::mcp

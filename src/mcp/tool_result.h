// Builders for CallToolResult objects (the `result` of tools/call).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace omm::mcp {

// {"content":[{"type":"text","text":…}]}
nlohmann::json text_result(std::string text);
// structuredContent plus its serialised JSON as a text block (for clients without structured
// output support).
nlohmann::json structured_result(nlohmann::json structured);
// {"isError":true,"content":[{"type":"text","text":"[id] message"}]}
nlohmann::json error_result(const Status& status);

}  // namespace omm::mcp

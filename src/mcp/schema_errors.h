// Turns valijson's failure list into one stable, human Status (see schema_validator.h).
// Internal to the schema validator; exposed for tests and the fuzzer. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace omm::mcp {

class SchemaCatalog;

struct SchemaFailure {
  std::vector<std::string> context;  // valijson form: "<root>", "[name]", "[0]"
  std::string description;
};

struct SchemaNavigator {
  const nlohmann::json* root = nullptr;
  const SchemaCatalog* catalog = nullptr;  // resolves "omm://schemas/..." refs; may be null
  // Resolves a $ref to its target node, or nullptr.
  const nlohmann::json* resolve(const std::string& ref) const;
};

Status describe_failure(const std::vector<SchemaFailure>& failures, const nlohmann::json& instance,
                        const SchemaNavigator& nav, std::string_view tool);

// "invalid_argument.<op>.<param>" inside operations[i] with an "op", else
// "invalid_argument.<tool>.<a.b>"; `display` receives the name used in the message.
std::string error_id_for_path(const std::vector<std::string>& tokens,
                              const nlohmann::json& instance, std::string_view tool,
                              std::string* display);

}  // namespace omm::mcp

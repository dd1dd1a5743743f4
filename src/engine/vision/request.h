// Reading the fields of a vision engine request (docs/local-backend.md) without throwing: a
// field of the wrong type reads as absent.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace omm::engine::vision {

// request[name] when it is a string, otherwise "".
inline std::string string_field(const nlohmann::json& obj, const char* name) {
  if (!obj.is_object()) return {};
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The value of the parameter `name` in an operation's "params" list ([{"name","value"}]), or
// null when absent.
inline nlohmann::json op_param(const nlohmann::json& op, const char* name) {
  auto params = op.find("params");
  if (params == op.end() || !params->is_array()) return nullptr;
  for (const auto& p : *params) {
    if (p.is_object() && string_field(p, "name") == name) return p.value("value", nlohmann::json());
  }
  return nullptr;
}

}  // namespace omm::engine::vision

// PromptRegistry: MCP prompts (prompts/list, prompts/get) and their argument completions.
// Populated before serving; read-only and thread-safe afterwards.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace omm::mcp {

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct PromptSpec {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // Returns the prompts/get result {description?, messages:[…]}; Status ids become -32602 errors.
  std::function<Result<nlohmann::json>(const nlohmann::json& arguments)> get;
  // Candidate values for an argument given a prefix (completion/complete); may be empty.
  std::function<std::vector<std::string>(std::string_view argument, std::string_view prefix)>
      complete;
};

class PromptRegistry {
 public:
  void add(PromptSpec spec) { prompts_[spec.name] = std::move(spec); }
  const PromptSpec* find(std::string_view name) const {
    auto it = prompts_.find(name);
    return it == prompts_.end() ? nullptr : &it->second;
  }
  // prompts/list entries sorted by name.
  std::vector<nlohmann::json> listing() const;

 private:
  std::map<std::string, PromptSpec, std::less<>> prompts_;
};

}  // namespace omm::mcp

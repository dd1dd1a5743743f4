#include "mcp/prompt_registry.h"

namespace omm::mcp {

std::vector<nlohmann::json> PromptRegistry::listing() const {
  std::vector<nlohmann::json> out;
  for (const auto& [name, p] : prompts_) {
    nlohmann::json j{{"name", p.name}, {"description", p.description}};
    if (!p.title.empty()) j["title"] = p.title;
    if (!p.arguments.empty()) {
      nlohmann::json args = nlohmann::json::array();
      for (const auto& a : p.arguments) {
        args.push_back(
            {{"name", a.name}, {"description", a.description}, {"required", a.required}});
      }
      j["arguments"] = std::move(args);
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace omm::mcp

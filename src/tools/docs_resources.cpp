#include "tools/docs_resources.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/embedded.h"
#include "mcp/server.h"

namespace omm::tools {

void register_docs_resources(mcp::Server& server) {
  auto text = embedded::find(embedded::doc_files(), "SKILL.md");
  if (!text) return;  // not compiled in: nothing to serve
  mcp::ResourceSpec spec;
  spec.uri = kSkillResourceUri;
  spec.name = "skill";
  spec.title = "SKILL.md: how to drive this server";
  spec.description =
      "Agent guide: which tool for which request (incl. Chinese wording), output modes, chaining, "
      "async "
      "jobs, verification, result presentation, error ids";
  spec.mime_type = "text/markdown";
  std::string_view body = *text;  // compiled in: lives as long as the program
  spec.read = [body](const std::string& uri) -> Result<nlohmann::json> {
    return nlohmann::json::array({{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", body}}});
  };
  server.resources().add(std::move(spec));
}

}  // namespace omm::tools

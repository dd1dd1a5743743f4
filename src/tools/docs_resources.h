// Documents served as MCP resources: SKILL.md as oss-media://docs/skill (text/markdown), from the
// copy compiled into the binary (omm::embedded::doc_files()).
#pragma once

namespace omm::mcp {
class Server;
}

namespace omm::tools {

inline constexpr const char* kSkillResourceUri = "oss-media://docs/skill";

// Adds the document resources to server.resources(). Call once before serving.
void register_docs_resources(mcp::Server& server);

}  // namespace omm::tools

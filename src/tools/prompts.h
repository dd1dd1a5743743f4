// MCP prompts of the server (prompts/list, prompts/get, completion/complete), built from the
// templates compiled in from prompts/<language>/<name>.md (see prompts/README.md for the syntax).
//
// Prompts: present_result, make_thumbnail, transcode_video, add_watermark, detect_faces,
// extract_frames. Each takes `language` (zh default, en) plus its own string arguments; a bad
// language is Status `invalid_argument.prompt.language`, a bad argument
// `invalid_argument.prompt.<argument>` (the session turns both into -32602 errors).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::mcp {
class Server;
}

namespace omm::tools {

// Adds every prompt to server.prompts(). Call once before serving.
void register_prompts(mcp::Server& server);

namespace prompt_detail {

// A parsed template: `<!-- key: value -->` metadata lines at the top, then the body.
struct Template {
  std::map<std::string, std::string, std::less<>> meta;
  std::string body;
};
Template parse_template(std::string_view text);

// Renders a template body: {{name}} placeholders, lines with a placeholder lacking a value are
// dropped, {{#name}} / {{^name}} … {{/name}} sections on their own lines. An empty value counts
// as missing. Values are not expanded again.
std::string render(std::string_view body,
                   const std::map<std::string, std::string, std::less<>>& vars);

}  // namespace prompt_detail

}  // namespace omm::tools

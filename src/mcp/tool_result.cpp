#include "mcp/tool_result.h"

namespace omm::mcp {

nlohmann::json text_result(std::string text) {
  return nlohmann::json{
      {"content", nlohmann::json::array({{{"type", "text"}, {"text", std::move(text)}}})}};
}

nlohmann::json structured_result(nlohmann::json structured) {
  std::string text = structured.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::json r = text_result(std::move(text));
  r["structuredContent"] = std::move(structured);
  return r;
}

nlohmann::json error_result(const Status& status) {
  nlohmann::json r = text_result(status.to_string());
  r["isError"] = true;
  return r;
}

}  // namespace omm::mcp

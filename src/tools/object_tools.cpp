// The object family (DESIGN.md "Tools"): object_upload and object_download are plans (a
// transfer); object_list and object_head are requests of their own, checked by the one key rule
// (core/object_key.h) before they reach a backend.
#include <optional>
#include <string>

#include "core/object_key.h"
#include "tools/tool_support.h"

namespace omm::tools {

namespace {

using nlohmann::json;

std::optional<std::string> optional_text(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

struct ListArgs {
  core::ObjectListRequest request;
};
void from_json(const json& j, ListArgs& a) {
  a.request.prefix = j.value("prefix", "");
  a.request.delimiter = j.value("delimiter", "");
  a.request.max_keys = j.value("max_keys", 100);
  a.request.continuation_token = j.value("continuation_token", "");
  a.request.bucket = optional_text(j, "bucket");
  a.request.region = optional_text(j, "region");
}

struct HeadArgs {
  std::string key;
  std::optional<std::string> bucket;
  std::optional<std::string> region;
};
void from_json(const json& j, HeadArgs& a) {
  a.key = j.value("key", "");
  a.bucket = optional_text(j, "bucket");
  a.region = optional_text(j, "region");
}

}  // namespace

void register_object_tools(mcp::Server& server, const ProductToolOptions& options) {
  add_plan_tool(server, options, "object_upload");
  add_plan_tool(server, options, "object_download");
  add_request_tool<ListArgs>(server, options, "object_list",
                             [](core::Executor& e, mcp::CallContext&, const ListArgs& a) {
                               return e.object_list(a.request);
                             });
  add_request_tool<HeadArgs>(
      server, options, "object_head",
      [](core::Executor& e, mcp::CallContext&, const HeadArgs& a) -> Result<json> {
        // The one key rule of every tool.
        if (Status s = core::check_object_key(a.key, core::ErrorScope("object_head"), "key"); !s) {
          return s;
        }
        return e.object_head(a.key, a.bucket, a.region);
      });
}

}  // namespace omm::tools

// The admin family (DESIGN.md "Tools"): doctor (the backend's preflight) and imm_setup (bind
// the bucket to an IMM project; the local backend needs none), and the resource template that
// serves url-mode results of a backend that keeps them (oss-media://result/{id}).
#include "mcp/resource_registry.h"
#include "tools/tool_support.h"

namespace omm::tools {

namespace {

struct NoArgs {};
void from_json(const nlohmann::json&, NoArgs&) {}

struct ImmSetupArgs {
  nlohmann::json arguments;
};
void from_json(const nlohmann::json& j, ImmSetupArgs& a) { a.arguments = j; }

}  // namespace

void register_admin_tools(mcp::Server& server, const ProductToolOptions& options) {
  add_request_tool<NoArgs>(
      server, options, "doctor",
      [](core::Executor& e, mcp::CallContext&, const NoArgs&) { return e.doctor(); });
  add_request_tool<ImmSetupArgs>(server, options, "imm_setup",
                                 [](core::Executor& e, mcp::CallContext&, const ImmSetupArgs& a) {
                                   return e.imm_setup(a.arguments);
                                 });
  if (options.executor && options.executor->backend_name() == "oss") {
    // url-mode results of the oss backend: the signed URL stays in the server (DESIGN.md
    // "Output delivery"); the client reads the result through this resource.
    mcp::ResourceTemplateSpec result;
    result.uri_template = "oss-media://result/{id}";
    result.name = "result";
    result.description =
        "The output of a url-mode call on the oss backend (its resource_uri), fetched while "
        "the signed link is valid; at most 8 MiB.";
    auto executor = options.executor;
    result.read = [executor](const std::string& uri) { return executor->read_result(uri); };
    server.resources().add_template(std::move(result));
  }
}

}  // namespace omm::tools

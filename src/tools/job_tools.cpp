// job_status (DESIGN.md "Async jobs"): an async job by id — its status, its result, or cancel.
// The same answers on both backends (core::Executor::job_status).
#include "tools/tool_support.h"

namespace omm::tools {

namespace {

struct JobStatusArgs {
  core::JobStatusRequest request;
};
void from_json(const nlohmann::json& j, JobStatusArgs& a) {
  a.request.job_id = j.value("job_id", "");
  a.request.wait_seconds = j.value("wait_seconds", std::int64_t{0});
  a.request.cancel = j.value("cancel", false);
}

}  // namespace

void register_job_tools(mcp::Server& server, const ProductToolOptions& options) {
  add_request_tool<JobStatusArgs>(
      server, options, "job_status",
      [](core::Executor& e, mcp::CallContext& ctx, const JobStatusArgs& a) {
        return e.job_status(a.request, call_of(ctx));
      });
}

}  // namespace omm::tools

// Entry point for tool calls: the JSON arguments of a DESIGN.md tool ("Argument shapes")
// become a validated Plan. Parameter names are OSS's; value-only image operations take
// "value"; concat input keys are plain. The MCP layer validates against the tool's schema
// first; this applies the same rules again (and more), so a call that skips the schema is
// still safe. Errors carry the ids of docs/contracts.md. Pure; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/plan.h"
#include "core/status.h"

namespace omm::core {

// Tools without an operation plan (object_list, object_head, job_status, imm_setup, doctor)
// and unknown names give `invalid_argument.tool`.
Result<Plan> plan_from_tool(std::string_view tool, const nlohmann::json& args,
                            const PlanOptions& options = {});

}  // namespace omm::core

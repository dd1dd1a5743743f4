// Validates a RawRequest into a Plan. The one place the order of checks is decided, shared by
// both syntaxes: operations present -> chaining rules -> each operation (in order) -> source
// -> output -> common arguments. Internal to src/core; use plan_from_tool / plan_from_cli.
#pragma once

#include "core/plan.h"
#include "core/raw_request.h"
#include "core/status.h"

namespace omm::core {

Result<Plan> build_plan(const RawRequest& raw, const PlanOptions& options);

}  // namespace omm::core

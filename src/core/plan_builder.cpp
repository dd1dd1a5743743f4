#include "core/plan_builder.h"

#include "core/chain_rules.h"
#include "core/op_builder.h"
#include "core/request_rules.h"

namespace omm::core {

Result<Plan> build_plan(const RawRequest& raw, const PlanOptions& options) {
  if (raw.ops.empty()) {
    if (raw.tool.empty()) {
      return Status::error("invalid_argument.operations", "operations is required");
    }
    return Status::error("invalid_argument." + raw.tool + ".operations",
                         "operations must have at least 1 item");
  }
  std::vector<const OpSpec*> specs;
  for (const RawOp& op : raw.ops) specs.push_back(op.spec);
  if (Status s = check_chain(raw.tool, specs); !s) return s;

  Plan plan;
  plan.tool = raw.tool.empty() ? std::string(tool_for_chain(specs)) : raw.tool;
  for (const RawOp& op : raw.ops) {
    Result<Operation> built = build_operation(op);
    if (!built.ok()) return built.status();
    plan.operations.push_back(std::move(*built));
    if (op.spec->category == Category::kAsync) plan.category = Category::kAsync;
  }
  if (Status s = resolve_source(raw, plan); !s) return s;
  if (Status s = resolve_output(raw, plan); !s) return s;
  if (Status s = resolve_common(raw, options, plan); !s) return s;
  return plan;
}

}  // namespace omm::core

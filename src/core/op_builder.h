// Turns one RawOp into a validated Operation. Checks run in a fixed order so both syntaxes
// report the same first error: repeated names, unknown names (alphabetically first), each
// parameter in documented order, required parameters, concat inputs, then the operation's
// cross-parameter rules. The result's parameters are sorted into documented order.
#pragma once

#include "core/operation.h"
#include "core/raw_request.h"
#include "core/status.h"

namespace omm::core {

Result<Operation> build_operation(const RawOp& raw);

}  // namespace omm::core

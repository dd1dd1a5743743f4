// Checks one raw parameter value against its catalog entry and returns the typed, normalised
// value (integers for kInt; aliases such as "jpeg" -> "jpg" resolved). Messages state the
// allowed values and the value received, per docs/contracts.md. Pure; thread-safe.
#pragma once

#include "core/error_scope.h"
#include "core/op_catalog.h"
#include "core/operation.h"
#include "core/raw_request.h"

namespace omm::core {

Result<ParamValue> check_param(const ParamSpec& spec, const RawValue& raw, const ErrorScope& scope);

// Parses a decimal integer written as text ("600", "-30"); nullopt when it is not one.
std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace omm::core

// Helpers for the tests of the operation model: run a request through one syntax and reduce
// the result to one string — the rendered operations when it is valid, the error id when not.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan_from_cli.h"
#include "core/plan_from_tool.h"
#include "core/render.h"

namespace omm::core::test {

inline std::string outcome(const Result<Plan>& plan) {
  return plan.ok() ? render_operations(*plan) : plan.status().id();
}

inline Result<Plan> tool_call(std::string_view tool, std::string_view args_json) {
  nlohmann::json args = nlohmann::json::parse(args_json, nullptr, false);
  REQUIRE_FALSE(args.is_discarded());
  return plan_from_tool(tool, args);
}

// A CLI request from a source key with the given operations; options filled per test.
inline CliRequest cli_request(std::vector<std::string> ops, std::string source = "in/a.jpg") {
  CliRequest r;
  r.source = std::move(source);
  r.operations = std::move(ops);
  return r;
}

}  // namespace omm::core::test

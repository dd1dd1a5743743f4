// The syntax-neutral form of a request, between parsing and validation. Both syntaxes — tool
// JSON (plan_from_tool.cpp) and the CLI string syntax (plan_from_cli.cpp) — only translate
// names into this shape; every value check then runs once, in one order, in build_plan
// (plan_builder.h). That is what makes the two syntaxes give the same plans and error ids.
// Internal to src/core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/op_catalog.h"

namespace omm::core {

// An unchecked parameter value. JSON gives integers, other numbers and strings (anything else
// is kOther and always refused); the string syntax gives text, from which numbers are parsed.
struct RawValue {
  enum class Kind { kInt, kNumber, kString, kOther };
  Kind kind = Kind::kString;
  std::int64_t i = 0;
  double d = 0;            // kNumber: a JSON number with a fraction or exponent
  std::string s;           // kString: the text
  std::string shown;       // how the value reads in a message: 5, "abc", true, 6.5
  bool from_text = false;  // string syntax: integers may be written as text

  static RawValue text(std::string s);  // a value of the string syntax
};

struct RawParam {
  std::string name;  // OSS name (string-syntax aliases already resolved)
  RawValue value;
};

// A concat input: fields key, position, ss, t (string syntax: key decoded from o_).
struct RawInput {
  std::vector<RawParam> fields;
};

struct RawOp {
  const OpSpec* spec = nullptr;
  std::vector<RawParam> params;  // in the order given (duplicates possible from the CLI)
  std::vector<RawInput> inputs;  // concat only
};

struct RawRequest {
  std::string tool;  // empty: derived from the operations (string syntax)
  std::vector<RawOp> ops;

  std::optional<std::string> source_key;
  std::optional<std::string> source_uri;

  bool output_given = false;  // an `output` object, or any output flag of the CLI
  std::optional<std::string> output_mode;
  std::optional<std::string> output_path;
  std::optional<std::string> target_key;
  std::optional<std::int64_t> expires;

  bool no_download = false;
  bool dry_run = false;
  bool verify = false;
  std::optional<std::string> bucket;
  std::optional<std::string> region;
  std::optional<std::int64_t> wait_seconds;

  // CLI only.
  std::optional<std::string> endpoint;
  std::optional<std::string> imm_project;
  std::optional<std::int64_t> timeout_seconds;
};

}  // namespace omm::core

// One validated operation of a plan: its catalog entry, its parameters (already checked,
// normalised and sorted into documented order) and, for concat, its inputs. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/op_catalog.h"

namespace omm::core {

// kInt parameters hold an integer; every other type holds the plain (unencoded) text.
using ParamValue = std::variant<std::int64_t, std::string>;

struct Param {
  const ParamSpec* spec = nullptr;
  ParamValue value;

  std::string_view name() const { return spec->name; }
  bool is_int() const { return value.index() == 0; }
  std::int64_t as_int() const { return std::get<0>(value); }
  const std::string& as_text() const { return std::get<1>(value); }
  // The value as it reads in a message or a plan dump (integers in decimal, text unencoded).
  std::string plain() const;
};

enum class Position { kPre, kSur };
std::string_view to_string(Position p);

// A concat input: a plain object key placed before (pre) or after (sur) the source.
struct ConcatInput {
  Position position = Position::kSur;
  std::string key;
  std::optional<std::int64_t> ss;  // start, ms
  std::optional<std::int64_t> t;   // duration, ms
};

struct Operation {
  const OpSpec* spec = nullptr;
  std::vector<Param> params;
  std::vector<ConcatInput> inputs;

  const Param* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // Removes a parameter if present.
  void erase(std::string_view name);
};

}  // namespace omm::core

#include "core/op_builder.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <set>

#include "core/error_scope.h"
#include "core/param_check.h"

namespace omm::core {
namespace {

const ParamSpec* find_in(std::span<const ParamSpec> specs, std::string_view name) {
  for (const ParamSpec& p : specs) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string names_of(std::span<const ParamSpec> specs) {
  std::string out;
  for (const ParamSpec& p : specs) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

// Names given twice (the string syntax allows it) and names the catalog does not know.
Status check_names(const std::vector<RawParam>& given, std::span<const ParamSpec> specs,
                   const ErrorScope& scope, std::string_view what) {
  std::set<std::string> seen;
  for (const RawParam& p : given) {
    if (!seen.insert(p.name).second) {
      return scope.error(p.name, fmt::format("{} is given more than once", p.name));
    }
  }
  for (const std::string& name : seen) {  // std::set: alphabetical, whatever the input order
    if (find_in(specs, name) != nullptr) continue;
    if (specs.empty()) {
      return scope.error(name,
                         fmt::format("{} is not a parameter of {}; it takes none", name, what));
    }
    return scope.error(name, fmt::format("{} is not a documented {} parameter; allowed: {}", name,
                                         what, names_of(specs)));
  }
  return Status::ok();
}

// Checks values in documented order and reports missing required parameters.
Result<std::vector<Param>> check_values(const std::vector<RawParam>& given,
                                        std::span<const ParamSpec> specs, const ErrorScope& scope) {
  std::vector<Param> out;
  for (const ParamSpec& spec : specs) {
    const RawParam* raw = nullptr;
    for (const RawParam& p : given) {
      if (p.name == spec.name) raw = &p;
    }
    if (raw == nullptr) continue;
    Result<ParamValue> v = check_param(spec, raw->value, scope);
    if (!v.ok()) return v.status();
    out.push_back(Param{&spec, std::move(*v)});
  }
  for (const ParamSpec& spec : specs) {
    if (!spec.required) continue;
    bool present =
        std::any_of(out.begin(), out.end(), [&](const Param& p) { return p.spec == &spec; });
    if (!present) return scope.error(spec.name, fmt::format("{} is required", spec.name));
  }
  return out;
}

Result<std::vector<ConcatInput>> build_inputs(const RawOp& raw, const ErrorScope& op_scope) {
  std::size_t n = raw.inputs.size();
  if (n < 1 || n > kMaxConcatInputs) {
    return op_scope.error("inputs", fmt::format("inputs must have 1..{} items (2..{} files with "
                                                "the source), got {}",
                                                kMaxConcatInputs, kMaxConcatInputs + 1, n));
  }
  ErrorScope scope = op_scope.nested("inputs");
  std::span<const ParamSpec> specs = concat_input_params();
  std::vector<ConcatInput> out;
  for (const RawInput& in : raw.inputs) {
    if (Status s = check_names(in.fields, specs, scope, "concat input"); !s) return s;
    Result<std::vector<Param>> values = check_values(in.fields, specs, scope);
    if (!values.ok()) return values.status();
    ConcatInput item;
    for (const Param& p : *values) {
      if (p.name() == "key") item.key = p.as_text();
      if (p.name() == "position")
        item.position = p.as_text() == "pre" ? Position::kPre : Position::kSur;
      if (p.name() == "ss") item.ss = p.as_int();
      if (p.name() == "t") item.t = p.as_int();
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::size_t spec_index(const Operation& op, const Param& p) {
  return static_cast<std::size_t>(p.spec - op.spec->params.data());
}

}  // namespace

Result<Operation> build_operation(const RawOp& raw) {
  const OpSpec& spec = *raw.spec;
  ErrorScope scope = ErrorScope::for_op(spec);
  if (Status s = check_names(raw.params, spec.params, scope, spec.name); !s) return s;
  Result<std::vector<Param>> values = check_values(raw.params, spec.params, scope);
  if (!values.ok()) return values.status();

  Operation op;
  op.spec = &spec;
  op.params = std::move(*values);
  if (spec.takes_inputs) {
    Result<std::vector<ConcatInput>> inputs = build_inputs(raw, scope);
    if (!inputs.ok()) return inputs.status();
    op.inputs = std::move(*inputs);
  }
  if (spec.check != nullptr) {
    if (Status s = spec.check(op, scope); !s) return s;
  }
  std::stable_sort(op.params.begin(), op.params.end(), [&](const Param& a, const Param& b) {
    return spec_index(op, a) < spec_index(op, b);
  });
  return op;
}

}  // namespace omm::core

#include "core/param_check.h"

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <cstdlib>

#include "core/field_checks.h"

namespace omm::core {
namespace {

std::string allowed_ints(std::span<const std::int64_t> values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  return out;
}

Result<ParamValue> check_int(const ParamSpec& spec, const RawValue& raw, const ErrorScope& scope) {
  std::optional<std::int64_t> v;
  if (raw.kind == RawValue::Kind::kInt) v = raw.i;
  if (raw.kind == RawValue::Kind::kString && raw.from_text) v = parse_int(raw.s);
  if (!spec.int_values.empty()) {
    bool ok = false;
    for (std::int64_t allowed : spec.int_values) ok = ok || (v && *v == allowed);
    if (!ok) {
      return scope.error(spec.name, fmt::format("{} must be one of {}, got {}", spec.name,
                                                allowed_ints(spec.int_values),
                                                v ? std::to_string(*v) : raw.shown));
    }
    return ParamValue(*v);
  }
  if (!v) {
    return scope.error(spec.name, fmt::format("{} must be an integer {}, got {}", spec.name,
                                              range_text(spec.min, spec.max), raw.shown));
  }
  if (*v < spec.min || *v > spec.max) {
    return scope.error(spec.name, fmt::format("{} must be {}, got {}", spec.name,
                                              range_text(spec.min, spec.max), *v));
  }
  return ParamValue(*v);
}

// "29.97" from 29.97 (at most 3 decimals, trailing zeros dropped); nullopt when not such a number.
std::optional<std::string> decimal_text(double v) {
  if (!std::isfinite(v) || std::fabs(v) > 1e12) return std::nullopt;
  const double thousandths = std::round(v * 1000);
  if (std::fabs(v * 1000 - thousandths) > 1e-6 * std::max(1.0, std::fabs(v * 1000))) {
    return std::nullopt;
  }
  std::string s = fmt::format("{:.3f}", thousandths / 1000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Plain decimal text: digits, at most one '.', an optional leading '-'.
std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::size_t i = text[0] == '-' ? 1 : 0;
  bool digit = false;
  bool point = false;
  for (std::size_t k = i; k < text.size(); ++k) {
    if (text[k] >= '0' && text[k] <= '9') {
      digit = true;
    } else if (text[k] == '.' && !point) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  return std::strtod(std::string(text).c_str(), nullptr);
}

Result<ParamValue> check_decimal(const ParamSpec& spec, const RawValue& raw,
                                 const ErrorScope& scope) {
  std::optional<double> v;
  if (raw.kind == RawValue::Kind::kInt) v = static_cast<double>(raw.i);
  if (raw.kind == RawValue::Kind::kNumber) v = raw.d;
  if (raw.kind == RawValue::Kind::kString && raw.from_text) v = parse_decimal(raw.s);
  std::optional<std::string> text = v ? decimal_text(*v) : std::nullopt;
  if (!text) {
    return scope.error(
        spec.name, fmt::format("{} must be a number {} with at most 3 decimals, got {}", spec.name,
                               range_text(spec.min, spec.max), raw.shown));
  }
  if (*v < static_cast<double>(spec.min) ||
      (spec.max != kNoMax && *v > static_cast<double>(spec.max))) {
    return scope.error(spec.name, fmt::format("{} must be {}, got {}", spec.name,
                                              range_text(spec.min, spec.max), *text));
  }
  return ParamValue(*text);
}

Result<ParamValue> check_enum(const ParamSpec& spec, const RawValue& raw, const ErrorScope& scope) {
  if (raw.kind == RawValue::Kind::kString) {
    std::string_view value = raw.s;
    for (const ValueAlias& a : spec.aliases) {
      if (a.from == value) value = a.to;
    }
    for (std::string_view allowed : spec.values) {
      if (allowed == value) return ParamValue(std::string(value));
    }
  }
  return scope.error(spec.name, fmt::format("{} must be one of {}, got {}", spec.name,
                                            join(spec.values), raw.shown));
}

bool is_hex_colour(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool size_ok(const ParamSpec& spec, std::string_view s) {
  std::size_t x = s.find('x');
  if (x == std::string_view::npos) return false;
  for (std::string_view side : {s.substr(0, x), s.substr(x + 1)}) {
    if (side.empty() || side.size() > 9 || side.find_first_not_of("0123456789") != side.npos) {
      return false;
    }
    std::int64_t v = *parse_int(side);
    if (v < spec.min || v > spec.max || (spec.even && v % 2 != 0)) return false;
  }
  return true;
}

Result<ParamValue> check_string(const ParamSpec& spec, const RawValue& raw,
                                const ErrorScope& scope) {
  std::string_view n = spec.name;
  bool is_text = raw.kind == RawValue::Kind::kString;
  const std::string& s = raw.s;
  switch (spec.type) {
    case ParamType::kColor:
      if (is_text && is_hex_colour(s)) return ParamValue(s);
      return scope.error(
          n, fmt::format("{} must be a 6-digit RGB hex colour like FFFFFF, got {}", n, raw.shown));
    case ParamType::kSize:
      if (is_text && size_ok(spec, s)) return ParamValue(s);
      return scope.error(
          n, fmt::format("{} must be WxH with each side {}{}, got {}", n,
                         range_text(spec.min, spec.max), spec.even ? " and even" : "", raw.shown));
    case ParamType::kKey:
      if (!is_text)
        return scope.error(n, fmt::format("{} must be an object key, got {}", n, raw.shown));
      if (Status st = check_object_key(s, scope, n); !st) return st;
      return ParamValue(s);
    case ParamType::kToken: {
      bool ok = is_text && !s.empty() && std::int64_t(s.size()) <= spec.max &&
                s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
      if (ok) return ParamValue(s);
      return scope.error(n, fmt::format("{} must be 1..{} characters of a-z, 0-9, '_', got {}", n,
                                        spec.max, raw.shown));
    }
    case ParamType::kText:
    case ParamType::kPreprocess: {
      if (!is_text) return scope.error(n, fmt::format("{} must be a string, got {}", n, raw.shown));
      if (!is_valid_utf8(s)) return scope.error(n, fmt::format("{} must be valid UTF-8", n));
      if (has_control_chars(s)) {
        return scope.error(
            n, fmt::format("{} must not contain control characters, got {}", n, raw.shown));
      }
      std::int64_t len = spec.chars ? std::int64_t(utf8_length(s)) : std::int64_t(s.size());
      std::string_view unit = spec.chars ? "characters" : "bytes";
      if (len < spec.min || len > spec.max) {
        return scope.error(n, fmt::format("{} must be {}..{} {}, got {} {}", n, spec.min, spec.max,
                                          unit, len, unit));
      }
      return ParamValue(s);
    }
    default:
      break;
  }
  return scope.error(n, fmt::format("{} has an unsupported type", n));
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i == text.size() || text.size() - i > 18) return std::nullopt;
  std::int64_t v = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return negative ? -v : v;
}

Result<ParamValue> check_param(const ParamSpec& spec, const RawValue& raw,
                               const ErrorScope& scope) {
  switch (spec.type) {
    case ParamType::kInt:
      return check_int(spec, raw, scope);
    case ParamType::kDecimal:
      return check_decimal(spec, raw, scope);
    case ParamType::kEnum:
      return check_enum(spec, raw, scope);
    default:
      return check_string(spec, raw, scope);
  }
}

}  // namespace omm::core

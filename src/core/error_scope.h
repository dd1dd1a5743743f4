// Builds the stable error ids and messages of docs/contracts.md for one place in a request.
//
// An operation of image_process reports as `invalid_argument.<op>.<param>`; every other tool
// reports as `invalid_argument.<tool>.<path>` (array indices dropped). The scope carries that
// prefix so validation code only names the field. Values; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::core {

struct OpSpec;

class ErrorScope {
 public:
  // `subject` is the op or tool name used in ids and messages; `path` an optional field path
  // prefix such as "output" or "inputs".
  explicit ErrorScope(std::string subject, std::string path = {});

  // The scope of an operation's own parameters: the op for image_process, else the tool.
  static ErrorScope for_op(const OpSpec& op);

  ErrorScope nested(std::string_view field) const;
  const std::string& subject() const { return subject_; }
  // "invalid_argument.<subject>[.<path>].<field>" (no trailing part when field is empty).
  std::string id(std::string_view field = {}) const;
  Status error(std::string_view field, std::string message) const;

 private:
  std::string subject_;
  std::string path_;
};

// Message helpers shared by every validator.
// JSON-style quoting (control characters escaped), truncated to 80 bytes.
std::string quote_text(std::string_view text, char quote = '"');
std::string join(std::span<const std::string_view> items, std::string_view sep = ", ");
std::string range_text(std::int64_t min, std::int64_t max);  // "1..16384" or ">= 0"

}  // namespace omm::core

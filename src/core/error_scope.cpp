#include "core/error_scope.h"

#include <spdlog/fmt/fmt.h>

#include "core/op_catalog.h"

namespace omm::core {

ErrorScope::ErrorScope(std::string subject, std::string path)
    : subject_(std::move(subject)), path_(std::move(path)) {}

ErrorScope ErrorScope::for_op(const OpSpec& op) {
  return ErrorScope(std::string(op.tool == "image_process" ? op.name : op.tool));
}

ErrorScope ErrorScope::nested(std::string_view field) const {
  return ErrorScope(subject_,
                    path_.empty() ? std::string(field) : path_ + "." + std::string(field));
}

std::string ErrorScope::id(std::string_view field) const {
  std::string out = "invalid_argument.";
  out.append(subject_);
  for (std::string_view part : {std::string_view(path_), field}) {
    if (part.empty()) continue;
    out.push_back('.');
    out.append(part);
  }
  return out;
}

Status ErrorScope::error(std::string_view field, std::string message) const {
  return Status::error(id(field), std::move(message));
}

std::string quote_text(std::string_view text, char quote) {
  constexpr std::size_t kMaxShown = 80;
  bool cut = false;
  if (text.size() > kMaxShown) {
    std::size_t end = kMaxShown;
    // Do not split a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
    cut = true;
  }
  std::string out(1, quote);
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += ch;
    }
  }
  if (cut) out += "...";
  out += quote;
  return out;
}

std::string join(std::span<const std::string_view> items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string range_text(std::int64_t min, std::int64_t max) {
  if (max == kNoMax) return fmt::format(">= {}", min);
  return fmt::format("{}..{}", min, max);
}

}  // namespace omm::core

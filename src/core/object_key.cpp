#include "core/object_key.h"

#include <spdlog/fmt/fmt.h>

#include "core/field_checks.h"

namespace omm::core {

namespace {

// The top-level folders of the server's own (local root, bucket).
constexpr std::string_view kReservedTop[] = {".jobs", ".tmp", ".oss-media-mcp"};

}  // namespace

std::optional<std::string> canonical_key_problem(std::string_view key, std::string_view field) {
  if (key.empty()) return fmt::format("{} must not be empty", field);
  if (key.size() > kMaxKeyBytes) {
    return fmt::format("{} must be at most {} bytes, got {} bytes", field, kMaxKeyBytes,
                       key.size());
  }
  if (!is_valid_utf8(key)) return fmt::format("{} must be valid UTF-8", field);
  if (has_control_chars(key)) {
    return fmt::format("{} must not contain control characters, got {}", field, quote_text(key));
  }
  if (key.front() == '/' || key.front() == '\\') {
    return fmt::format("{} must not start with '{}', got {}", field, key.front(), quote_text(key));
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = key.find('/', start);
    std::string_view segment =
        key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment.empty()) {
      return fmt::format("{} must not contain an empty segment ('//' or a trailing '/'), got {}",
                         field, quote_text(key));
    }
    if (segment == "." || segment == "..") {
      return fmt::format("{} must not contain a '{}' segment, got {}", field, segment,
                         quote_text(key));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

bool is_reserved_key(std::string_view key) {
  std::string_view top = key.substr(0, key.find('/'));
  for (std::string_view r : kReservedTop) {
    if (top == r) return true;
  }
  std::size_t start = 0;
  for (;;) {
    if (key.substr(start, kPartPrefix.size()) == kPartPrefix) return true;
    std::size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

std::string_view reserved_areas_text() {
  return ".jobs/, .tmp/, .oss-media-mcp/ and names starting with .omm-part-";
}

Status check_object_key(std::string_view key, const ErrorScope& scope, std::string_view field) {
  if (auto problem = canonical_key_problem(key, field)) return scope.error(field, *problem);
  if (is_reserved_key(key)) {
    return scope.error(field, fmt::format("{} names an area reserved for the server's own files "
                                          "({}), got {}",
                                          field, reserved_areas_text(), quote_text(key)));
  }
  return Status::ok();
}

bool key_has_extension(std::string_view key) {
  std::size_t slash = key.rfind('/');
  std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
  std::size_t dot = base.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < base.size();
}

}  // namespace omm::core

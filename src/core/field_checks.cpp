#include "core/field_checks.h"

#include <spdlog/fmt/fmt.h>

namespace omm::core {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool is_http_url(std::string_view text) {
  std::size_t host = 0;
  if (starts_with_ci(text, "http://"))
    host = 7;
  else if (starts_with_ci(text, "https://"))
    host = 8;
  else
    return false;
  return text.size() > host && text[host] != '/';
}

bool all_of_chars(std::string_view text, std::string_view extra, bool upper) {
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper && c >= 'A' && c <= 'Z') ||
              extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Shared by keys and paths: printable, valid UTF-8 text.
Status check_text_field(std::string_view text, const ErrorScope& scope, std::string_view field) {
  if (text.empty()) return scope.error(field, fmt::format("{} must not be empty", field));
  if (!is_valid_utf8(text)) return scope.error(field, fmt::format("{} must be valid UTF-8", field));
  if (has_control_chars(text)) {
    return scope.error(field, fmt::format("{} must not contain control characters, got {}", field,
                                          quote_text(text)));
  }
  return Status::ok();
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > text.size()) return false;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool has_control_chars(std::string_view text) {
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Status check_local_path(std::string_view path, const ErrorScope& scope, std::string_view field) {
  if (Status s = check_text_field(path, scope, field); !s) return s;
  constexpr std::size_t kMaxPathBytes = 4096;
  if (path.size() > kMaxPathBytes) {
    return scope.error(field, fmt::format("{} must be at most {} bytes, got {} bytes", field,
                                          kMaxPathBytes, path.size()));
  }
  return Status::ok();
}

Status check_source_uri(std::string_view uri, const ErrorScope& scope, std::string_view field) {
  if (Status s = check_local_path(uri, scope, field); !s) return s;
  if (uri.front() != '/' && !is_http_url(uri)) {
    return scope.error(field, fmt::format("{} must be an absolute local path or an http(s) URL, "
                                          "got {}",
                                          field, quote_text(uri)));
  }
  return Status::ok();
}

Status check_bucket(std::string_view bucket, const ErrorScope& scope, std::string_view field) {
  bool ok = bucket.size() >= 3 && bucket.size() <= 63 && all_of_chars(bucket, "-", false) &&
            bucket.front() != '-' && bucket.back() != '-';
  if (!ok) {
    return scope.error(field, fmt::format("{} must be 3..63 characters of a-z, 0-9 and '-', "
                                          "not starting or ending with '-', got {}",
                                          field, quote_text(bucket)));
  }
  return Status::ok();
}

Status check_region(std::string_view region, const ErrorScope& scope, std::string_view field) {
  if (region.size() < 2 || region.size() > 64 || !all_of_chars(region, "-", false)) {
    return scope.error(field, fmt::format("{} must be a region id like cn-hangzhou (a-z, 0-9, "
                                          "'-'), got {}",
                                          field, quote_text(region)));
  }
  return Status::ok();
}

Status check_endpoint(std::string_view endpoint, const ErrorScope& scope, std::string_view field) {
  if (!is_http_url(endpoint) || has_control_chars(endpoint) || endpoint.size() > 1024) {
    return scope.error(
        field, fmt::format("{} must be an http(s) URL, got {}", field, quote_text(endpoint)));
  }
  return Status::ok();
}

Status check_imm_project(std::string_view name, const ErrorScope& scope, std::string_view field) {
  if (name.empty() || name.size() > 128 || !all_of_chars(name, "-_", true)) {
    return scope.error(field, fmt::format("{} must be 1..128 characters of A-Z, a-z, 0-9, '-', "
                                          "'_', got {}",
                                          field, quote_text(name)));
  }
  return Status::ok();
}

}  // namespace omm::core

// URL-safe Base64 as OSS uses it in process strings: standard Base64 with '+' -> '-',
// '/' -> '_' and the trailing '=' padding dropped. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace omm::core {

// Encodes bytes (UTF-8 text, object keys, bucket names) for a process string.
std::string base64url_encode(std::string_view bytes);

// Standard Base64 with '=' padding (RFC 4648 §4), e.g. for MCP resource blobs.
std::string base64_encode(std::string_view bytes);

// Decodes the URL-safe alphabet, with or without '=' padding. Returns nullopt for characters
// outside the alphabet, misplaced padding or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace omm::core

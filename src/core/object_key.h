// Object keys: the one rule every tool, backend and store applies to a key (a source, a target,
// a watermark image, a concat input, a transfer, a batch item).
//
// A key is in canonical form: non-empty, at most 1023 bytes, valid UTF-8, no control
// characters, no leading '/' or '\', and split at '/' it has no empty segment ("a//b", a
// trailing '/'), no "." and no ".." segment — so one object has exactly one spelling and no key
// climbs or aliases its way into another place ("./.jobs/x" is not ".jobs/x" in disguise).
//
// The server's own areas are not keys on any backend: the top-level folders ".jobs", ".tmp"
// (the local backend's temporary and result files) and ".oss-media-mcp" (the oss backend's
// temporary uploads), and every segment that starts with ".omm-part-" (files being written).
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error_scope.h"
#include "core/status.h"

namespace omm::core {

inline constexpr std::size_t kMaxKeyBytes = 1023;
// The prefix of temporary names ("<dir>/.omm-part-…"); never part of a key.
inline constexpr std::string_view kPartPrefix = ".omm-part-";

// Why `key` is not in canonical form (a sentence naming `field`), or nullopt when it is.
std::optional<std::string> canonical_key_problem(std::string_view key, std::string_view field);
// Whether a canonical key lies in one of the server's own areas.
bool is_reserved_key(std::string_view key);
// The reserved areas as a short list for messages.
std::string_view reserved_areas_text();

// Canonical form and not reserved; the error id is scope.id(field).
Status check_object_key(std::string_view key, const ErrorScope& scope, std::string_view field);

// True when the last path segment of a key has a file extension ("v/f.jpg", not "v/f").
bool key_has_extension(std::string_view key);

}  // namespace omm::core

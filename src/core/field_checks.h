// Checks of the free-text fields of a request: local paths, source URIs, bucket, region,
// endpoint (object keys: core/object_key.h, included here). Pure functions; the error id is
// `scope.id(field)`.
#pragma once

#include <string_view>

#include "core/error_scope.h"
#include "core/object_key.h"
#include "core/status.h"

namespace omm::core {

bool is_valid_utf8(std::string_view text);
bool has_control_chars(std::string_view text);
std::size_t utf8_length(std::string_view text);  // code points (text must be valid UTF-8)

// A local path as given (relative paths are resolved by the executor against --output-dir).
Status check_local_path(std::string_view path, const ErrorScope& scope, std::string_view field);
// An absolute local path or an http(s) URL.
Status check_source_uri(std::string_view uri, const ErrorScope& scope, std::string_view field);
// OSS bucket naming: 3..63 of [a-z0-9-], starting and ending with a letter or digit.
Status check_bucket(std::string_view bucket, const ErrorScope& scope, std::string_view field);
// A region id such as cn-hangzhou: 2..64 of [a-z0-9-].
Status check_region(std::string_view region, const ErrorScope& scope, std::string_view field);
Status check_endpoint(std::string_view endpoint, const ErrorScope& scope, std::string_view field);
// An IMM project name: 1..128 of [A-Za-z0-9_-].
Status check_imm_project(std::string_view name, const ErrorScope& scope, std::string_view field);

}  // namespace omm::core

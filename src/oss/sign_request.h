// The request shape the OSS signers (V4, V1) take, and the helpers they share for headers and
// query parameters. Names and values are plain (decoded) text in the caller's order; the signers
// encode them. Header names compare case-insensitively. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.h"  // to_lower, which every signer uses

namespace omm::oss {

// Ordered name/value pairs: query parameters or headers.
using Params = std::vector<std::pair<std::string, std::string>>;

struct SignRequest {
  std::string method;  // "GET", "PUT", ...
  std::string bucket;  // empty for service-level calls
  std::string key;     // object key, raw UTF-8; empty for bucket-level calls
  Params query;        // decoded; an empty value means a bare `name` (e.g. {"acl", ""})
  Params headers;      // as they will be sent
};

// Strips spaces and tabs at both ends.
std::string trim(std::string_view s);

// The value of a header (case-insensitive name), several values joined with ','; nullopt if
// absent.
std::optional<std::string> find_header(const Params& headers, std::string_view name);
// Replaces every header of that name (case-insensitive) by one `name: value`.
void set_header(Params& headers, std::string_view name, std::string value);

bool has_param(const Params& params, std::string_view name);  // exact, case-sensitive

// The wire query in the given order: `k=v` or `k` for an empty value, percent-encoded, joined
// with '&'. The signers build the URL query with this so it equals what they signed.
std::string encode_query(const Params& params);

// The URL path of an object on a virtual-hosted endpoint: "/" + key, percent-encoded, '/' kept.
std::string encode_key_path(std::string_view key);

}  // namespace omm::oss

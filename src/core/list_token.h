// Continuation tokens of object_list: opaque, printable ASCII, the same shape on both backends.
//
// A token carries where the next page starts — on the local backend the last key or common
// prefix of the page, on the oss backend OSS's own NextContinuationToken — as URL-safe Base64
// behind a version and backend tag ("l1." / "o1."). Keys may hold any UTF-8 (4-byte characters
// included) and OSS tokens any bytes: the token is valid ASCII whatever they hold, survives JSON
// unchanged, and a token from the other backend or one the server never made is refused.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::core {

enum class ListBackend { kLocal, kOss };

// The longest token decode_list_token accepts (a 1023-byte key or an OSS token fits easily).
inline constexpr std::size_t kMaxListTokenBytes = 4096;

std::string encode_list_token(ListBackend backend, std::string_view position);
// The position inside `token`. Ids: invalid_argument.object_list.continuation_token.
Result<std::string> decode_list_token(ListBackend backend, std::string_view token);

}  // namespace omm::core

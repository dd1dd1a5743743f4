// The percent-encoding every Alibaba Cloud signer shares (oss_protocol.md §1.1, §5.3, §5.4):
// RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~` stay, every other byte of the UTF-8 string
// becomes `%XX` with uppercase hex. Space is `%20` (never `+`), `*` is `%2A`. `/` is kept only in
// URI paths. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace omm::oss {

enum class Slash { kEncode, kKeep };

// Query keys and values (and V1/RPC signatures) use Slash::kEncode; URI paths use Slash::kKeep.
std::string percent_encode(std::string_view text, Slash slash = Slash::kEncode);

// Decodes `%XX` (either case); every other byte is copied, `+` included (it is not a space).
// nullopt for a `%` not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace omm::oss

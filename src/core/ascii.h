// ASCII case mapping for protocol text: header names, URL schemes and hosts, file extensions,
// enum words. Bytes outside A-Z / a-z pass unchanged (no locale, UTF-8 safe). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace omm {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

}  // namespace omm

// Small helpers shared by the oss executor's files: random hex ids (temporary keys, result ids)
// and ASCII lower case.
#pragma once

#include <spdlog/fmt/fmt.h>

#include <cctype>
#include <random>
#include <string>

namespace omm::oss_backend {

// `bytes` random bytes as lower-case hex (not for secrets: a per-thread mt19937_64).
inline std::string random_hex(size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  for (size_t i = 0; i < bytes; ++i)
    out += fmt::format("{:02x}", static_cast<unsigned>(rng() & 0xff));
  return out;
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace omm::oss_backend

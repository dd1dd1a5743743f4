// Random identifiers the server makes up: temporary names, job / batch / request ids, nonces,
// the emulator's request and upload ids. Unique, not secret: each thread draws from its own
// mt19937_64 seeded from std::random_device. Anything an attacker must not guess (HTTP session
// ids, file link tokens) is made elsewhere from the operating system's or OpenSSL's generator.
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace omm {

// `bytes` random bytes as lower-case hex (2 × bytes characters).
std::string random_hex(std::size_t bytes);

// A random (version 4) UUID in its canonical lower-case form, 8-4-4-4-12 hex digits.
std::string random_uuid();

}  // namespace omm

// Credentials as the signers take them. Where they come from (environment, profile, STS, ECS
// metadata) is another unit's job; the signers only read them.
//
// Secrets: no function in src/oss logs, formats or returns the secret, and signed outputs carry
// the access key id and security token only where the protocol puts them on the wire (the
// Authorization header, x-oss-credential, security-token parameters). Callers must route those
// outputs through the redactor before they reach a log or a tool result.
#pragma once

#include <string>

#include "core/status.h"

namespace omm::oss {

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;
  std::string security_token;  // empty unless STS

  bool has_token() const { return !security_token.empty(); }
};

// ok, or [oss.sign.credentials] naming the missing field (never a value).
Status check_credentials(const Credentials& c);

}  // namespace omm::oss

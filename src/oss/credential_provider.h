// One source of credentials (oss_protocol.md §6). get() resolves them now (it may call STS or
// the ECS metadata service through the injected HttpFetcher); caching and refresh are the
// chain's job (credential_chain.h). Errors carry ids `credentials.<source>` and name the source
// and what is missing or wrong, never a value. No provider logs a key, secret or token.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "oss/credentials.h"
#include "oss/sign_time.h"

namespace omm::oss {

struct ResolvedCredentials {
  Credentials credentials;
  std::optional<SignTime> expiration;  // nullopt: static, never refreshed
  std::string source;  // "env", "oidc_role_arn", "config_file:AK", "ini", "ecs_ram_role", ...
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  // Short source name used in errors and in the chain's "tried" list.
  virtual std::string name() const = 0;
  // Whether this source is configured at all (the chain skips it quietly otherwise). On false,
  // `why` says what is missing, e.g. "ALIBABA_CLOUD_ACCESS_KEY_ID not set".
  virtual bool configured(std::string& why) const = 0;
  virtual Result<ResolvedCredentials> get() = 0;
};

}  // namespace omm::oss

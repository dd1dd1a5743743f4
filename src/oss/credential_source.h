// How the OSS and IMM clients obtain credentials: a function called at every attempt of every
// request, returning the current ones. main.cpp wires it to the credential chain (which caches
// and refreshes) with source_from(); tests pass fixed credentials. Must be thread-safe.
#pragma once

#include <functional>

#include "core/status.h"
#include "oss/credential_provider.h"
#include "oss/credentials.h"

namespace omm::oss {

using CredentialSource = std::function<Result<Credentials>()>;

// A source over a provider (typically the CredentialChain, which is thread-safe); the provider
// must outlive the source.
inline CredentialSource source_from(CredentialProvider& provider) {
  return [&provider]() -> Result<Credentials> {
    auto r = provider.get();
    if (!r) return r.status();
    return r->credentials;
  };
}

}  // namespace omm::oss

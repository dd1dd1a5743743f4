// The default credential chain (oss_protocol.md §6.1): env, OIDC/RRSA, ~/.aliyun/config.json,
// the INI credentials file, ECS metadata — in that order. Resolved lazily on the first get();
// the first provider that succeeds is remembered and reused; its credentials are cached and
// refreshed when `refresh_margin` or less remains before their expiration (§6.2: 180 s).
// Nothing found: [credentials.not_found] listing each source tried and why it was skipped or
// failed (never a value). Thread-safe: one mutex serialises resolution and refresh.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oss/credential_providers.h"

namespace omm::oss {

class CredentialChain final : public CredentialProvider {
 public:
  CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers, const Clock& clock,
                  std::chrono::seconds refresh_margin = std::chrono::seconds(180));
  // The default order over the given context.
  static std::unique_ptr<CredentialChain> make_default(CredentialContext ctx);

  std::string name() const override { return "default_chain"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;

 private:
  std::vector<std::unique_ptr<CredentialProvider>> providers_;
  const Clock& clock_;
  std::chrono::seconds margin_;
  std::mutex mu_;
  CredentialProvider* chosen_ = nullptr;
  std::optional<ResolvedCredentials> cached_;
};

}  // namespace omm::oss

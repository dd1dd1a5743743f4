#include "oss/credential_chain.h"

#include <spdlog/spdlog.h>

namespace omm::oss {

CredentialChain::CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers,
                                 const Clock& clock, std::chrono::seconds refresh_margin)
    : providers_(std::move(providers)), clock_(clock), margin_(refresh_margin) {}

std::unique_ptr<CredentialChain> CredentialChain::make_default(CredentialContext ctx) {
  std::vector<std::unique_ptr<CredentialProvider>> p;
  p.push_back(std::make_unique<EnvProvider>(ctx));
  p.push_back(std::make_unique<OidcProvider>(ctx));
  p.push_back(std::make_unique<CliProfileProvider>(ctx));
  p.push_back(std::make_unique<IniFileProvider>(ctx));
  p.push_back(std::make_unique<EcsMetadataProvider>(ctx));
  return std::make_unique<CredentialChain>(std::move(p), ctx.clock);
}

bool CredentialChain::configured(std::string& why) const {
  std::string w;
  for (const auto& p : providers_) {
    if (p->configured(w)) return true;
  }
  why = "no credential source configured";
  return false;
}

Result<ResolvedCredentials> CredentialChain::get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_) {
    if (!cached_->expiration || *cached_->expiration - clock_.now() > margin_) return *cached_;
  }
  if (chosen_ != nullptr) {
    auto r = chosen_->get();
    if (r) {
      spdlog::debug("credentials refreshed from {}", r->source);
      cached_ = *r;
      return r;
    }
    // Still valid (inside the margin): keep serving the old ones rather than fail.
    if (cached_ && cached_->expiration && *cached_->expiration > clock_.now()) {
      spdlog::warn("credential refresh from {} failed: {}", chosen_->name(), r.status().message());
      return *cached_;
    }
    return r.status();
  }
  std::string tried;
  for (const auto& p : providers_) {
    std::string why;
    if (!tried.empty()) tried += "; ";
    if (!p->configured(why)) {
      tried += p->name() + " (" + why + ")";
      continue;
    }
    auto r = p->get();
    if (r) {
      spdlog::info("credentials from {}", r->source);
      chosen_ = p.get();
      cached_ = *r;
      return r;
    }
    tried += r.status().to_string();
  }
  return Status::error("credentials.not_found", "no credentials found; tried: " + tried);
}

}  // namespace omm::oss

// The sources of the default chain (oss_protocol.md §6.1), each a CredentialProvider over the
// injected Env / HttpFetcher / Clock:
//   EnvProvider          ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET[/_SECURITY_TOKEN]        → "env"
//   OidcProvider         ALIBABA_CLOUD_ROLE_ARN + _OIDC_PROVIDER_ARN + _OIDC_TOKEN_FILE
//                        → STS AssumeRoleWithOIDC                                    →
//                        "oidc_role_arn"
//   CliProfileProvider   ALIBABA_CLOUD_CONFIG_FILE or ~/.aliyun/config.json, profile
//                        ALIBABA_CLOUD_PROFILE or "current"; modes AK, StsToken,
//                        RamRoleArn, EcsRamRole                                     →
//                        "config_file:<mode>"
//   IniFileProvider      ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials,
//                        section ALIBABA_CLOUD_PROFILE or "default"; types access_key,
//                        ecs_ram_role, ram_role_arn                                → "ini" /
//                        "ini:<type>"
//   EcsMetadataProvider  IMDSv2 token, then v1 fallback; off with
//                        ALIBABA_CLOUD_ECS_METADATA_DISABLED=true; address from
//                        ALIBABA_CLOUD_ECS_METADATA_ENDPOINT (default 100.100.100.200)  →
//                        "ecs_ram_role"
// Errors name the source and the missing field or file, never a value.
#pragma once

#include <memory>
#include <string>

#include "oss/credential_io.h"
#include "oss/credential_provider.h"

namespace omm::oss {

// What every provider needs; the referenced objects must outlive the providers.
struct CredentialContext {
  const Env& env;
  HttpFetcher& http;
  const Clock& clock;
};

// Fetches role credentials from the ECS metadata service (§6.3). `role` empty: discover it.
Result<ResolvedCredentials> fetch_ecs_credentials(const CredentialContext& ctx,
                                                  const std::string& role, std::string source_name);

class EnvProvider final : public CredentialProvider {
 public:
  explicit EnvProvider(CredentialContext ctx) : ctx_(ctx) {}
  std::string name() const override { return "env"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;

 private:
  CredentialContext ctx_;
};

class OidcProvider final : public CredentialProvider {
 public:
  explicit OidcProvider(CredentialContext ctx) : ctx_(ctx) {}
  std::string name() const override { return "oidc_role_arn"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;

 private:
  CredentialContext ctx_;
};

class CliProfileProvider final : public CredentialProvider {
 public:
  explicit CliProfileProvider(CredentialContext ctx) : ctx_(ctx) {}
  std::string name() const override { return "config_file"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;
  std::string path() const;

 private:
  CredentialContext ctx_;
};

class IniFileProvider final : public CredentialProvider {
 public:
  explicit IniFileProvider(CredentialContext ctx) : ctx_(ctx) {}
  std::string name() const override { return "ini"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;
  std::string path() const;

 private:
  CredentialContext ctx_;
};

class EcsMetadataProvider final : public CredentialProvider {
 public:
  explicit EcsMetadataProvider(CredentialContext ctx) : ctx_(ctx) {}
  std::string name() const override { return "ecs_ram_role"; }
  bool configured(std::string& why) const override;
  Result<ResolvedCredentials> get() override;

 private:
  CredentialContext ctx_;
};

}  // namespace omm::oss

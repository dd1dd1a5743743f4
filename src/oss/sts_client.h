// STS calls of the credential chain (oss_protocol.md §6.2, §6.4): AssumeRole signed with the
// POP RPC HMAC-SHA1 signer over the union of query and form-body parameters, and
// AssumeRoleWithOIDC, which is unsigned. Endpoint: ALIBABA_CLOUD_STS_ENDPOINT if set, else
// sts[-vpc].<region>.aliyuncs.com or sts.aliyuncs.com. Never logs the secret or the token.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "oss/credential_io.h"
#include "oss/credential_provider.h"

namespace omm::oss {

struct AssumeRoleParams {
  std::string role_arn;
  std::string role_session_name;  // empty: "credentials-cpp-<unix seconds>"
  int duration_seconds = 3600;    // raised to the minimum 900
  std::string policy;             // optional
  std::string external_id;        // optional
  std::string region;             // optional: sts.<region>.aliyuncs.com
  bool vpc = false;               // with region: sts-vpc.<region>.aliyuncs.com
};

// "https://host" (no trailing slash).
std::string sts_endpoint(const Env& env, const AssumeRoleParams& p);

// AssumeRole with the given source credentials; ids credentials.sts.*.
Result<ResolvedCredentials> sts_assume_role(HttpFetcher& http, const Env& env, const Clock& clock,
                                            const Credentials& source, const AssumeRoleParams& p,
                                            std::string source_name);

// AssumeRoleWithOIDC with the token text (unsigned request).
Result<ResolvedCredentials> sts_assume_role_with_oidc(HttpFetcher& http, const Env& env,
                                                      const Clock& clock, const AssumeRoleParams& p,
                                                      const std::string& oidc_provider_arn,
                                                      const std::string& oidc_token,
                                                      std::string source_name);

// Parses the STS JSON response ({"Credentials":{...}}); `what` names the call in errors.
Result<ResolvedCredentials> parse_sts_response(const HttpResponse& r, const std::string& what,
                                               std::string source_name);

}  // namespace omm::oss

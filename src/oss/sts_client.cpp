#include "oss/sts_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/random_id.h"
#include "oss/hash.h"
#include "oss/percent_encode.h"
#include "oss/signer_rpc.h"

namespace omm::oss {
namespace {

bool env_true(const Env& env, std::string_view name) {
  auto v = env.get(name);
  return v && (*v == "true" || *v == "TRUE" || *v == "1");
}

std::string nonce() { return random_hex(16); }

std::string form_encode(const Params& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

Params body_params(const AssumeRoleParams& p, const Clock& clock) {
  Params body = {
      {"RoleArn", p.role_arn},
      {"RoleSessionName", p.role_session_name.empty()
                              ? "credentials-cpp-" + std::to_string(unix_seconds(clock.now()))
                              : p.role_session_name},
      {"DurationSeconds", std::to_string(std::max(p.duration_seconds, 900))},
  };
  if (!p.policy.empty()) body.emplace_back("Policy", p.policy);
  if (!p.external_id.empty()) body.emplace_back("ExternalId", p.external_id);
  return body;
}

}  // namespace

std::string sts_endpoint(const Env& env, const AssumeRoleParams& p) {
  if (auto e = env.get("ALIBABA_CLOUD_STS_ENDPOINT")) {
    std::string v = *e;
    if (v.find("://") == std::string::npos) v = "https://" + v;
    while (!v.empty() && v.back() == '/') v.pop_back();
    return v;
  }
  std::string region = p.region;
  if (region.empty()) region = env.get("ALIBABA_CLOUD_STS_REGION").value_or("");
  const bool vpc = p.vpc || env_true(env, "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED");
  if (region.empty()) return "https://sts.aliyuncs.com";
  return std::string("https://") + (vpc ? "sts-vpc." : "sts.") + region + ".aliyuncs.com";
}

Result<ResolvedCredentials> parse_sts_response(const HttpResponse& r, const std::string& what,
                                               std::string source_name) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    std::string code = j.is_object() ? j.value("Code", std::string()) : std::string();
    return Status::error("credentials.sts.failed", source_name + ": " + what + " returned HTTP " +
                                                       std::to_string(r.status) +
                                                       (code.empty() ? "" : " (" + code + ")"));
  }
  if (!j.is_object() || !j.contains("Credentials") || !j["Credentials"].is_object()) {
    return Status::error("credentials.sts.response",
                         source_name + ": " + what + " response has no Credentials object");
  }
  const auto& c = j["Credentials"];
  ResolvedCredentials out;
  out.source = std::move(source_name);
  for (const char* field : {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}) {
    if (!c.contains(field) || !c[field].is_string() || c[field].get<std::string>().empty()) {
      return Status::error("credentials.sts.response",
                           out.source + ": " + what + " response lacks Credentials." + field);
    }
  }
  out.credentials.access_key_id = c["AccessKeyId"].get<std::string>();
  out.credentials.access_key_secret = c["AccessKeySecret"].get<std::string>();
  out.credentials.security_token = c["SecurityToken"].get<std::string>();
  out.expiration = parse_iso8601_utc(c["Expiration"].get<std::string>());
  if (!out.expiration) {
    return Status::error("credentials.sts.response",
                         out.source + ": " + what + " response has a malformed Expiration");
  }
  return out;
}

namespace {

// POSTs an STS action (query in the URL, parameters form-encoded in the body) and reads its answer.
Result<ResolvedCredentials> post_sts(HttpFetcher& http, const Env& env, const AssumeRoleParams& p,
                                     const Params& query, const Params& body,
                                     const std::string& action, std::string source_name) {
  HttpRequest req;
  req.method = "POST";
  req.url = sts_endpoint(env, p) + "/?" + form_encode(query);
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = form_encode(body);
  req.timeout_ms = 5000;
  auto r = http.fetch(req);
  if (!r) {
    return Status::error("credentials.sts.transport",
                         source_name + ": " + action + " failed: " + r.status().message());
  }
  return parse_sts_response(*r, action, std::move(source_name));
}

}  // namespace

Result<ResolvedCredentials> sts_assume_role(HttpFetcher& http, const Env& env, const Clock& clock,
                                            const Credentials& source, const AssumeRoleParams& p,
                                            std::string source_name) {
  if (Status s = check_credentials(source); !s) {
    return Status::error("credentials.sts.source", source_name + ": source " + s.message());
  }
  if (p.role_arn.empty()) {
    return Status::error("credentials.sts.role_arn", source_name + ": role_arn is empty");
  }
  Params query = {
      {"Version", "2015-04-01"},
      {"Action", "AssumeRole"},
      {"Format", "JSON"},
      {"Timestamp", iso8601_extended(clock.now())},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureVersion", "1.0"},
      {"SignatureNonce", nonce()},
      {"AccessKeyId", source.access_key_id},
  };
  if (source.has_token()) query.emplace_back("SecurityToken", source.security_token);
  const Params body = body_params(p, clock);
  Params all = query;
  all.insert(all.end(), body.begin(), body.end());
  query.emplace_back("Signature", rpc_signature("POST", all, source.access_key_secret));

  return post_sts(http, env, p, query, body, "AssumeRole", std::move(source_name));
}

Result<ResolvedCredentials> sts_assume_role_with_oidc(HttpFetcher& http, const Env& env,
                                                      const Clock& clock, const AssumeRoleParams& p,
                                                      const std::string& oidc_provider_arn,
                                                      const std::string& oidc_token,
                                                      std::string source_name) {
  const Params query = {
      {"Action", "AssumeRoleWithOIDC"},
      {"Format", "JSON"},
      {"Version", "2015-04-01"},
      {"Timestamp", iso8601_extended(clock.now())},
  };
  Params body = body_params(p, clock);
  body.insert(body.begin() + 1, {"OIDCProviderArn", oidc_provider_arn});
  body.insert(body.begin() + 2, {"OIDCToken", oidc_token});
  return post_sts(http, env, p, query, body, "AssumeRoleWithOIDC", std::move(source_name));
}

}  // namespace omm::oss

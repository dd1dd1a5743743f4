#include "oss/credential_providers.h"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "oss/sign_request.h"
#include "oss/sts_client.h"

namespace omm::oss {
namespace {

bool env_true(const Env& env, std::string_view name) {
  auto v = env.get(name);
  return v && (*v == "true" || *v == "TRUE" || *v == "1");
}

Status err(const std::string& id, const std::string& source, const std::string& what) {
  return Status::error("credentials." + id, source + ": " + what);
}

std::string metadata_base(const Env& env) {
  std::string base = env.get("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT").value_or("100.100.100.200");
  if (base.find("://") == std::string::npos) base = "http://" + base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<ResolvedCredentials> static_creds(const std::string& source, std::string ak,
                                         std::string secret, std::string token,
                                         const char* ak_field, const char* secret_field) {
  if (ak.empty()) return err("incomplete", source, std::string(ak_field) + " is missing");
  if (secret.empty()) return err("incomplete", source, std::string(secret_field) + " is missing");
  ResolvedCredentials r;
  r.credentials = {std::move(ak), std::move(secret), std::move(token)};
  r.source = source;
  return r;
}

// Minimal INI: [section] headers, key = value, '#'/';' comments.
std::map<std::string, std::map<std::string, std::string>> parse_ini(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (!t.empty() && t.back() == '\r') t = trim(t.substr(0, t.size() - 1));
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(t.substr(1, t.size() - 2));
      out[section];
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    out[section][trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
  }
  return out;
}

}  // namespace

Result<ResolvedCredentials> fetch_ecs_credentials(const CredentialContext& ctx,
                                                  const std::string& role,
                                                  std::string source_name) {
  const std::string base = metadata_base(ctx.env);
  std::string token;
  {
    HttpRequest req{"PUT",
                    base + "/latest/api/token",
                    {{"X-aliyun-ecs-metadata-token-ttl-seconds", "21600"}},
                    "",
                    1000};
    auto r = ctx.http.fetch(req);
    if (r && r->status == 200 && !r->body.empty()) {
      token = r->body;
    } else if (env_true(ctx.env, "ALIBABA_CLOUD_IMDSV1_DISABLED")) {
      return err("ecs.token", source_name,
                 "metadata token request failed and ALIBABA_CLOUD_IMDSV1_DISABLED=true");
    }
  }
  Params headers;
  if (!token.empty()) headers.emplace_back("X-aliyun-ecs-metadata-token", token);
  const std::string prefix = base + "/latest/meta-data/ram/security-credentials/";
  std::string role_name = role;
  if (role_name.empty()) {
    auto r = ctx.http.fetch(HttpRequest{"GET", prefix, headers, "", 1000});
    if (!r) return err("ecs.unreachable", source_name, "metadata service: " + r.status().message());
    if (r->status != 200 || trim(r->body).empty()) {
      return err("ecs.role", source_name,
                 "no RAM role attached (metadata HTTP " + std::to_string(r->status) + ")");
    }
    role_name = trim(r->body);
  }
  auto r = ctx.http.fetch(HttpRequest{"GET", prefix + role_name, headers, "", 1000});
  if (!r) return err("ecs.unreachable", source_name, "metadata service: " + r.status().message());
  if (r->status != 200) {
    return err("ecs.failed", source_name,
               "role credentials request returned HTTP " + std::to_string(r->status));
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (!j.is_object() || j.value("Code", std::string()) != "Success") {
    return err("ecs.failed", source_name, "role credentials response Code is not Success");
  }
  ResolvedCredentials out;
  out.source = std::move(source_name);
  for (const char* f : {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}) {
    if (!j.contains(f) || !j[f].is_string() || j[f].get<std::string>().empty()) {
      return err("ecs.failed", out.source, std::string("role credentials response lacks ") + f);
    }
  }
  out.credentials = {j["AccessKeyId"].get<std::string>(), j["AccessKeySecret"].get<std::string>(),
                     j["SecurityToken"].get<std::string>()};
  out.expiration = parse_iso8601_utc(j["Expiration"].get<std::string>());
  if (!out.expiration) return err("ecs.failed", out.source, "malformed Expiration");
  return out;
}

// ---- env ----
bool EnvProvider::configured(std::string& why) const {
  const bool id = ctx_.env.get("ALIBABA_CLOUD_ACCESS_KEY_ID").has_value();
  const bool secret = ctx_.env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET").has_value();
  if (!id && !secret) {
    why = "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET not set";
    return false;
  }
  return true;  // one of the two set: get() reports the missing one
}

Result<ResolvedCredentials> EnvProvider::get() {
  return static_creds("env", ctx_.env.get("ALIBABA_CLOUD_ACCESS_KEY_ID").value_or(""),
                      ctx_.env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET").value_or(""),
                      ctx_.env.get("ALIBABA_CLOUD_SECURITY_TOKEN").value_or(""),
                      "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
}

// ---- OIDC / RRSA ----
bool OidcProvider::configured(std::string& why) const {
  for (const char* v : {"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                        "ALIBABA_CLOUD_OIDC_TOKEN_FILE"}) {
    if (!ctx_.env.get(v)) {
      why = std::string(v) + " not set";
      return false;
    }
  }
  return true;
}

Result<ResolvedCredentials> OidcProvider::get() {
  const std::string file = ctx_.env.get("ALIBABA_CLOUD_OIDC_TOKEN_FILE").value_or("");
  auto token = ctx_.env.read_file(file);
  while (token && !token->empty() && (token->back() == '\n' || token->back() == '\r')) {
    token->pop_back();
  }
  if (!token || trim(*token).empty()) {
    return err("oidc.token_file", name(), "cannot read ALIBABA_CLOUD_OIDC_TOKEN_FILE " + file);
  }
  AssumeRoleParams p;
  p.role_arn = ctx_.env.get("ALIBABA_CLOUD_ROLE_ARN").value_or("");
  p.role_session_name = ctx_.env.get("ALIBABA_CLOUD_ROLE_SESSION_NAME").value_or("");
  return sts_assume_role_with_oidc(ctx_.http, ctx_.env, ctx_.clock, p,
                                   ctx_.env.get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN").value_or(""),
                                   trim(*token), name());
}

// ---- ~/.aliyun/config.json ----
std::string CliProfileProvider::path() const {
  if (auto p = ctx_.env.get("ALIBABA_CLOUD_CONFIG_FILE")) return *p;
  return ctx_.env.home() + "/.aliyun/config.json";
}

bool CliProfileProvider::configured(std::string& why) const {
  if (env_true(ctx_.env, "ALIBABA_CLOUD_CLI_PROFILE_DISABLED")) {
    why = "disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true";
    return false;
  }
  if (!ctx_.env.read_file(path())) {
    why = path() + " not found";
    return false;
  }
  return true;
}

Result<ResolvedCredentials> CliProfileProvider::get() {
  const std::string file = path();
  auto text = ctx_.env.read_file(file);
  if (!text) return err("config_file.missing", name(), file + " not found");
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return err("config_file.invalid", name(), file + " is not valid JSON");
  std::string profile = ctx_.env.get("ALIBABA_CLOUD_PROFILE").value_or("");
  if (profile.empty() && j.contains("current") && j["current"].is_string()) {
    profile = j["current"].get<std::string>();
  }
  if (profile.empty()) {
    return err("config_file.profile", name(),
               file + " has no \"current\" profile and ALIBABA_CLOUD_PROFILE is not set");
  }
  const nlohmann::json* prof = nullptr;
  if (j.contains("profiles") && j["profiles"].is_array()) {
    for (const auto& p : j["profiles"]) {
      if (p.is_object() && p.value("name", std::string()) == profile) prof = &p;
    }
  }
  if (prof == nullptr) {
    return err("config_file.profile", name(), "profile '" + profile + "' not found in " + file);
  }
  auto field = [&](const char* k) {
    auto it = prof->find(k);
    return it != prof->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string mode = field("mode");
  const std::string src = "config_file:" + mode;
  if (mode == "AK") {
    return static_creds(src, field("access_key_id"), field("access_key_secret"), "",
                        "access_key_id", "access_key_secret");
  }
  if (mode == "StsToken") {
    if (field("sts_token").empty()) return err("incomplete", src, "sts_token is missing");
    return static_creds(src, field("access_key_id"), field("access_key_secret"), field("sts_token"),
                        "access_key_id", "access_key_secret");
  }
  if (mode == "RamRoleArn") {
    auto base = static_creds(src, field("access_key_id"), field("access_key_secret"),
                             field("sts_token"), "access_key_id", "access_key_secret");
    if (!base) return base.status();
    AssumeRoleParams p;
    p.role_arn = field("ram_role_arn");
    if (p.role_arn.empty()) return err("incomplete", src, "ram_role_arn is missing");
    p.role_session_name = field("ram_session_name");
    if (auto it = prof->find("expired_seconds"); it != prof->end() && it->is_number_integer()) {
      p.duration_seconds = it->get<int>();
    }
    p.policy = field("policy");
    p.external_id = field("external_id");
    p.region = field("sts_region");
    if (auto it = prof->find("enable_vpc"); it != prof->end() && it->is_boolean()) {
      p.vpc = it->get<bool>();
    }
    return sts_assume_role(ctx_.http, ctx_.env, ctx_.clock, base->credentials, p, src);
  }
  if (mode == "EcsRamRole") {
    return fetch_ecs_credentials(ctx_, field("ram_role_name"), src);
  }
  return err("config_file.mode", name(),
             "profile '" + profile + "' has mode '" + mode +
                 "'; supported: AK, StsToken, RamRoleArn, EcsRamRole");
}

// ---- INI credentials file ----
std::string IniFileProvider::path() const {
  if (auto p = ctx_.env.get("ALIBABA_CLOUD_CREDENTIALS_FILE")) return *p;
  return ctx_.env.home() + "/.alibabacloud/credentials";
}

bool IniFileProvider::configured(std::string& why) const {
  if (!ctx_.env.read_file(path())) {
    why = path() + " not found";
    return false;
  }
  return true;
}

Result<ResolvedCredentials> IniFileProvider::get() {
  const std::string file = path();
  auto text = ctx_.env.read_file(file);
  if (!text) return err("ini.missing", name(), file + " not found");
  const auto ini = parse_ini(*text);
  const std::string section = ctx_.env.get("ALIBABA_CLOUD_PROFILE").value_or("default");
  auto sit = ini.find(section);
  if (sit == ini.end()) {
    return err("ini.section", name(), "section [" + section + "] not found in " + file);
  }
  const auto& kv = sit->second;
  auto field = [&](const char* k) {
    auto it = kv.find(k);
    return it == kv.end() ? std::string() : it->second;
  };
  const std::string type = field("type");
  if (type == "access_key") {
    return static_creds("ini", field("access_key_id"), field("access_key_secret"), "",
                        "access_key_id", "access_key_secret");
  }
  if (type == "ecs_ram_role") {
    return fetch_ecs_credentials(ctx_, field("role_name"), "ini:ecs_ram_role");
  }
  if (type == "ram_role_arn") {
    auto base = static_creds("ini:ram_role_arn", field("access_key_id"), field("access_key_secret"),
                             "", "access_key_id", "access_key_secret");
    if (!base) return base.status();
    AssumeRoleParams p;
    p.role_arn = field("role_arn");
    if (p.role_arn.empty()) return err("incomplete", "ini:ram_role_arn", "role_arn is missing");
    p.role_session_name = field("role_session_name");
    p.policy = field("policy");
    return sts_assume_role(ctx_.http, ctx_.env, ctx_.clock, base->credentials, p,
                           "ini:ram_role_arn");
  }
  return err("ini.type", name(),
             "section [" + section + "] has type '" + type +
                 "'; supported: access_key, ecs_ram_role, ram_role_arn");
}

// ---- ECS metadata ----
bool EcsMetadataProvider::configured(std::string& why) const {
  if (env_true(ctx_.env, "ALIBABA_CLOUD_ECS_METADATA_DISABLED")) {
    why = "disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true";
    return false;
  }
  return true;
}

Result<ResolvedCredentials> EcsMetadataProvider::get() {
  return fetch_ecs_credentials(ctx_, ctx_.env.get("ALIBABA_CLOUD_ECS_METADATA").value_or(""),
                               name());
}

}  // namespace omm::oss

// The credential chain (oss_protocol.md §6) over a fake Env, a fake HttpFetcher and a fake
// clock: each source, chain order, profiles, ECS IMDSv2 with v1 fallback, the STS request shapes
// (AssumeRole signature recomputed with the RPC signer), refresh before expiry and the errors.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "oss/credential_chain.h"
#include "oss/percent_encode.h"
#include "oss/signer_rpc.h"
#include "oss/sts_client.h"

using namespace omm::oss;

namespace {

struct FakeEnv : Env {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  std::string home_dir = "/home/u";
  std::optional<std::string> get(std::string_view n) const override {
    auto it = vars.find(std::string(n));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
  std::string home() const override { return home_dir; }
  std::optional<std::string> read_file(const std::string& p) const override {
    auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
};

struct FakeHttp : HttpFetcher {
  std::vector<HttpRequest> requests;
  std::function<omm::Result<HttpResponse>(const HttpRequest&)> handler;
  omm::Result<HttpResponse> fetch(const HttpRequest& r) override {
    requests.push_back(r);
    if (!handler) return omm::Status::error("test.net", "connection refused");
    return handler(r);
  }
};

struct FakeClock : Clock {
  SignTime t = from_unix_seconds(1700000000);  // 2023-11-14T22:13:20Z
  SignTime now() const override { return t; }
};

Params parse_form(std::string_view s) {
  Params out;
  while (!s.empty()) {
    auto amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    auto eq = pair.find('=');
    out.emplace_back(*percent_decode(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : *percent_decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

std::string param(const Params& p, const std::string& k) {
  for (const auto& [n, v] : p) {
    if (n == k) return v;
  }
  return "<absent>";
}

std::string header(const HttpRequest& r, const std::string& k) {
  auto h = find_header(r.headers, k);
  return h ? *h : "<absent>";
}

const char* kEcsBody =
    R"({"Code":"Success","AccessKeyId":"STS.ecs","AccessKeySecret":"ecs-secret",)"
    R"("SecurityToken":"ecs-token","Expiration":"2023-11-14T22:30:00Z"})";
const char* kStsBody =
    R"({"RequestId":"r","Credentials":{"AccessKeyId":"STS.role","AccessKeySecret":"role-secret",)"
    R"("SecurityToken":"role-token","Expiration":"2023-11-14T23:13:20Z"}})";

// A metadata service: token PUT answers `token_status`; role "app-role".
std::function<omm::Result<HttpResponse>(const HttpRequest&)> ecs_service(int token_status) {
  return [token_status](const HttpRequest& r) -> omm::Result<HttpResponse> {
    const std::string base = "http://100.100.100.200/latest/";
    if (r.method == "PUT" && r.url == base + "api/token") {
      return HttpResponse{token_status, token_status == 200 ? "tok-123" : ""};
    }
    if (r.url == base + "meta-data/ram/security-credentials/") return HttpResponse{200, "app-role"};
    if (r.url == base + "meta-data/ram/security-credentials/app-role") {
      return HttpResponse{200, kEcsBody};
    }
    return HttpResponse{404, ""};
  };
}

struct Rig {
  FakeEnv env;
  FakeHttp http;
  FakeClock clock;
  std::unique_ptr<CredentialChain> chain() {
    return CredentialChain::make_default(CredentialContext{env, http, clock});
  }
};

const char* kConfigJson = R"({"current":"main","profiles":[
  {"name":"main","mode":"AK","access_key_id":"cfg-ak","access_key_secret":"cfg-sk"},
  {"name":"sts","mode":"StsToken","access_key_id":"sts-ak","access_key_secret":"sts-sk","sts_token":"sts-tok"},
  {"name":"role","mode":"RamRoleArn","access_key_id":"src-ak","access_key_secret":"src-sk",
   "ram_role_arn":"acs:ram::123:role/app","ram_session_name":"sess","expired_seconds":1800},
  {"name":"ecs","mode":"EcsRamRole","ram_role_name":"app-role"},
  {"name":"weird","mode":"CloudSSO"}]})";

const char* kIni =
    "# comment\n[default]\ntype = access_key\naccess_key_id = ini-ak\naccess_key_secret = ini-sk\n"
    "[roles]\ntype = ram_role_arn\naccess_key_id = iak\naccess_key_secret = isk\n"
    "role_arn = acs:ram::1:role/x\n[bad]\ntype = rsa_key_pair\n";

}  // namespace

TEST_CASE("credentials: each source and the chain order") {
  struct Case {
    const char* name;
    std::map<std::string, std::string> vars;
    bool config_json;
    bool ini;
    const char* source;
    const char* ak;
    const char* token;
  } cases[] = {
      {"env only",
       {{"ALIBABA_CLOUD_ACCESS_KEY_ID", "env-ak"},
        {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-sk"},
        {"ALIBABA_CLOUD_SECURITY_TOKEN", "env-tok"}},
       true,
       true,
       "env",
       "env-ak",
       "env-tok"},
      {"config.json before ini", {}, true, true, "config_file:AK", "cfg-ak", ""},
      {"ALIBABA_CLOUD_PROFILE selects",
       {{"ALIBABA_CLOUD_PROFILE", "sts"}},
       true,
       false,
       "config_file:StsToken",
       "sts-ak",
       "sts-tok"},
      {"cli profile disabled → ini",
       {{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"}},
       true,
       true,
       "ini",
       "ini-ak",
       ""},
      {"ini only", {}, false, true, "ini", "ini-ak", ""},
      {"ini at ALIBABA_CLOUD_CREDENTIALS_FILE",
       {{"ALIBABA_CLOUD_CREDENTIALS_FILE", "/etc/c.ini"}},
       false,
       false,
       "ini",
       "ini-ak",
       ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Rig rig;
    rig.env.vars = c.vars;
    if (c.config_json) rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;
    if (c.ini) rig.env.files["/home/u/.alibabacloud/credentials"] = kIni;
    rig.env.files["/etc/c.ini"] = kIni;
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(r->source == c.source);
    CHECK(r->credentials.access_key_id == c.ak);
    CHECK(r->credentials.security_token == c.token);
    CHECK_FALSE(r->expiration.has_value());
    CHECK(rig.http.requests.empty());
  }
}

TEST_CASE("credentials: env with only one half names the missing variable") {
  Rig rig;
  rig.env.vars = {{"ALIBABA_CLOUD_ACCESS_KEY_ID", "only-ak"},
                  {"ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"}};
  auto r = rig.chain()->get();
  REQUIRE_FALSE(r.ok());
  const std::string msg = r.status().to_string();
  CHECK(r.status().id() == "credentials.not_found");
  CHECK(msg.find("[credentials.incomplete] env: ALIBABA_CLOUD_ACCESS_KEY_SECRET is missing") !=
        std::string::npos);
  CHECK(msg.find("only-ak") == std::string::npos);
}

TEST_CASE("credentials: not_found lists every source tried, metadata disabled") {
  Rig rig;
  rig.env.vars = {{"ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"}};
  auto r = rig.chain()->get();
  REQUIRE_FALSE(r.ok());
  const std::string msg = r.status().message();
  CHECK(r.status().id() == "credentials.not_found");
  for (const char* s :
       {"env (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET not set)",
        "oidc_role_arn (ALIBABA_CLOUD_ROLE_ARN not set)",
        "config_file (/home/u/.aliyun/config.json not found)",
        "ini (/home/u/.alibabacloud/credentials not found)",
        "ecs_ram_role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"}) {
    CHECK_MESSAGE(msg.find(s) != std::string::npos, s);
  }
  CHECK(rig.http.requests.empty());  // disabled means no metadata call at all
}

TEST_CASE("credentials: profile and ini errors name the field and the allowed values") {
  struct Case {
    const char* name;
    std::map<std::string, std::string> vars;
    bool ini;
    const char* expect;
  } cases[] = {
      {"unknown profile",
       {{"ALIBABA_CLOUD_PROFILE", "nope"}},
       false,
       "[credentials.config_file.profile] config_file: profile 'nope' not found"},
      {"unsupported mode",
       {{"ALIBABA_CLOUD_PROFILE", "weird"}},
       false,
       "mode 'CloudSSO'; supported: AK, StsToken, RamRoleArn, EcsRamRole"},
      {"ini type",
       {{"ALIBABA_CLOUD_PROFILE", "bad"}, {"ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"}},
       true,
       "type 'rsa_key_pair'; supported: access_key, ecs_ram_role, ram_role_arn"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Rig rig;
    rig.env.vars = c.vars;
    rig.env.vars["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
    rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;
    if (c.ini) rig.env.files["/home/u/.alibabacloud/credentials"] = kIni;
    auto r = rig.chain()->get();
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.status().message().find(c.expect) != std::string::npos, r.status().to_string());
  }
}

TEST_CASE("credentials: ECS metadata IMDSv2 token, then v1 fallback") {
  SUBCASE("token") {
    Rig rig;
    rig.http.handler = ecs_service(200);
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(r->source == "ecs_ram_role");
    CHECK(r->credentials.access_key_id == "STS.ecs");
    CHECK(r->credentials.security_token == "ecs-token");
    REQUIRE(r->expiration.has_value());
    CHECK(unix_seconds(*r->expiration) == 1700001000);
    REQUIRE(rig.http.requests.size() == 3);
    CHECK(rig.http.requests[0].method == "PUT");
    CHECK(header(rig.http.requests[0], "X-aliyun-ecs-metadata-token-ttl-seconds") == "21600");
    CHECK(header(rig.http.requests[1], "X-aliyun-ecs-metadata-token") == "tok-123");
    CHECK(header(rig.http.requests[2], "X-aliyun-ecs-metadata-token") == "tok-123");
  }
  SUBCASE("token refused → v1 without the header") {
    Rig rig;
    rig.http.handler = ecs_service(403);
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    REQUIRE(rig.http.requests.size() == 3);
    CHECK(header(rig.http.requests[1], "X-aliyun-ecs-metadata-token") == "<absent>");
    CHECK(header(rig.http.requests[2], "X-aliyun-ecs-metadata-token") == "<absent>");
  }
  SUBCASE("v1 disabled → error") {
    Rig rig;
    rig.env.vars["ALIBABA_CLOUD_IMDSV1_DISABLED"] = "true";
    rig.http.handler = ecs_service(403);
    auto r = rig.chain()->get();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("[credentials.ecs.token] ecs_ram_role") != std::string::npos);
    CHECK(rig.http.requests.size() == 1);
  }
  SUBCASE("configured role name and overridden address") {
    Rig rig;
    rig.env.vars = {{"ALIBABA_CLOUD_ECS_METADATA", "app-role"},
                    {"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", "127.0.0.1:9"}};
    rig.http.handler = [](const HttpRequest& r) -> omm::Result<HttpResponse> {
      if (r.url == "http://127.0.0.1:9/latest/api/token") return HttpResponse{200, "t"};
      if (r.url == "http://127.0.0.1:9/latest/meta-data/ram/security-credentials/app-role") {
        return HttpResponse{200, kEcsBody};
      }
      return HttpResponse{404, ""};
    };
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(rig.http.requests.size() == 2);  // no role discovery
  }
  SUBCASE("no metadata service") {
    Rig rig;  // handler unset: every fetch is a transport error
    auto r = rig.chain()->get();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "credentials.not_found");
    CHECK(r.status().message().find("[credentials.ecs.unreachable] ecs_ram_role") !=
          std::string::npos);
  }
  SUBCASE("config.json EcsRamRole mode") {
    Rig rig;
    rig.env.vars["ALIBABA_CLOUD_PROFILE"] = "ecs";
    rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;
    rig.http.handler = ecs_service(200);
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(r->source == "config_file:EcsRamRole");
    CHECK(rig.http.requests.size() == 2);
  }
}

TEST_CASE("credentials: RamRoleArn AssumeRole request shape and signature") {
  struct Case {
    const char* name;
    const char* profile_env;  // ALIBABA_CLOUD_PROFILE
    bool ini;
    const char* source;
    const char* ak;
    const char* secret;
    const char* role_arn;
    const char* duration;
  } cases[] = {
      {"config.json RamRoleArn", "role", false, "config_file:RamRoleArn", "src-ak", "src-sk",
       "acs:ram::123:role/app", "1800"},
      {"ini ram_role_arn", "roles", true, "ini:ram_role_arn", "iak", "isk", "acs:ram::1:role/x",
       "3600"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Rig rig;
    rig.env.vars = {{"ALIBABA_CLOUD_PROFILE", c.profile_env},
                    {"ALIBABA_CLOUD_STS_ENDPOINT", "sts.test.local"}};
    if (c.ini) {
      rig.env.vars["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "true";
      rig.env.files["/home/u/.alibabacloud/credentials"] = kIni;
    } else {
      rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;
    }
    rig.http.handler = [](const HttpRequest&) -> omm::Result<HttpResponse> {
      return HttpResponse{200, kStsBody};
    };
    auto r = rig.chain()->get();
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(r->source == c.source);
    CHECK(r->credentials.access_key_id == "STS.role");
    CHECK(r->credentials.security_token == "role-token");
    REQUIRE(rig.http.requests.size() == 1);
    const HttpRequest& req = rig.http.requests[0];
    CHECK(req.method == "POST");
    REQUIRE(req.url.rfind("https://sts.test.local/?", 0) == 0);
    CHECK(header(req, "Content-Type") == "application/x-www-form-urlencoded");
    Params query = parse_form(req.url.substr(req.url.find('?') + 1));
    const Params body = parse_form(req.body);
    CHECK(param(query, "Action") == "AssumeRole");
    CHECK(param(query, "Version") == "2015-04-01");
    CHECK(param(query, "Format") == "JSON");
    CHECK(param(query, "Timestamp") == "2023-11-14T22:13:20Z");
    CHECK(param(query, "SignatureMethod") == "HMAC-SHA1");
    CHECK(param(query, "SignatureVersion") == "1.0");
    CHECK(param(query, "SignatureNonce").size() >= 16);
    CHECK(param(query, "AccessKeyId") == c.ak);
    CHECK(param(query, "SecurityToken") == "<absent>");
    CHECK(param(body, "RoleArn") == c.role_arn);
    CHECK(param(body, "DurationSeconds") == c.duration);
    CHECK(param(body, "RoleSessionName") != "<absent>");
    // The secret never travels.
    CHECK(req.url.find(c.secret) == std::string::npos);
    CHECK(req.body.find(c.secret) == std::string::npos);
    // Recompute: RPC HMAC-SHA1 over query ∪ body without Signature, method POST.
    const std::string sig = param(query, "Signature");
    REQUIRE(sig != "<absent>");
    Params all;
    for (const auto& kv : query) {
      if (kv.first != "Signature") all.push_back(kv);
    }
    all.insert(all.end(), body.begin(), body.end());
    CHECK(sig == rpc_signature("POST", all, c.secret));
    CHECK(sig != rpc_signature("GET", all, c.secret));
  }
}

TEST_CASE("credentials: STS errors and endpoint selection") {
  Rig rig;
  rig.env.vars = {{"ALIBABA_CLOUD_PROFILE", "role"},
                  {"ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"}};
  rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;
  rig.http.handler = [](const HttpRequest&) -> omm::Result<HttpResponse> {
    return HttpResponse{403, R"({"Code":"NoPermission","Message":"x"})"};
  };
  auto r = rig.chain()->get();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(
            "[credentials.sts.failed] config_file:RamRoleArn: AssumeRole returned HTTP 403 "
            "(NoPermission)") != std::string::npos);
  CHECK(rig.http.requests.at(0).url.rfind("https://sts.aliyuncs.com/?", 0) == 0);

  FakeEnv env;
  AssumeRoleParams p;
  CHECK(sts_endpoint(env, p) == "https://sts.aliyuncs.com");
  p.region = "cn-hangzhou";
  CHECK(sts_endpoint(env, p) == "https://sts.cn-hangzhou.aliyuncs.com");
  p.vpc = true;
  CHECK(sts_endpoint(env, p) == "https://sts-vpc.cn-hangzhou.aliyuncs.com");
  env.vars["ALIBABA_CLOUD_STS_ENDPOINT"] = "http://127.0.0.1:8080/";
  CHECK(sts_endpoint(env, p) == "http://127.0.0.1:8080");
}

TEST_CASE("credentials: OIDC / RRSA AssumeRoleWithOIDC, unsigned") {
  Rig rig;
  rig.env.vars = {{"ALIBABA_CLOUD_ROLE_ARN", "acs:ram::9:role/pod"},
                  {"ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::9:oidc-provider/ack"},
                  {"ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/token"},
                  {"ALIBABA_CLOUD_ROLE_SESSION_NAME", "pod-sess"}};
  rig.env.files["/var/run/token"] = "eyJ.oidc.token\n";
  rig.env.files["/home/u/.aliyun/config.json"] = kConfigJson;  // OIDC comes first
  rig.http.handler = [](const HttpRequest&) -> omm::Result<HttpResponse> {
    return HttpResponse{200, kStsBody};
  };
  auto r = rig.chain()->get();
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->source == "oidc_role_arn");
  REQUIRE(rig.http.requests.size() == 1);
  const auto& req = rig.http.requests[0];
  const Params query = parse_form(req.url.substr(req.url.find('?') + 1));
  const Params body = parse_form(req.body);
  CHECK(param(query, "Action") == "AssumeRoleWithOIDC");
  CHECK(param(query, "Signature") == "<absent>");
  CHECK(param(query, "AccessKeyId") == "<absent>");
  CHECK(param(body, "RoleArn") == "acs:ram::9:role/pod");
  CHECK(param(body, "OIDCProviderArn") == "acs:ram::9:oidc-provider/ack");
  CHECK(param(body, "OIDCToken") == "eyJ.oidc.token");
  CHECK(param(body, "RoleSessionName") == "pod-sess");

  rig.env.files.erase("/var/run/token");
  rig.env.vars["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
  rig.env.files.erase("/home/u/.aliyun/config.json");
  auto missing = rig.chain()->get();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find(
            "oidc_role_arn: cannot read ALIBABA_CLOUD_OIDC_TOKEN_FILE /var/run/token") !=
        std::string::npos);
}

TEST_CASE("credentials: cached, refreshed inside the margin, provider remembered") {
  Rig rig;
  int served = 0;
  // Each answer expires 1000 s after the fake clock's now.
  rig.http.handler = [&served, &rig](const HttpRequest& r) -> omm::Result<HttpResponse> {
    if (r.url.find("/security-credentials/app-role") != std::string::npos) {
      ++served;
      std::string body = kEcsBody;
      body.replace(body.find("STS.ecs"), 7, "STS.ec" + std::to_string(served));
      body.replace(body.find("2023-11-14T22:30:00Z"), 20,
                   iso8601_extended(rig.clock.t + std::chrono::seconds(1000)));
      return HttpResponse{200, body};
    }
    return ecs_service(200)(r);
  };
  auto chain = rig.chain();
  auto first = chain->get();  // expires at +1000 s
  REQUIRE(first.ok());
  CHECK(first->credentials.access_key_id == "STS.ec1");
  rig.clock.t += std::chrono::seconds(800);  // 200 s left > 180 s margin
  CHECK(chain->get()->credentials.access_key_id == "STS.ec1");
  CHECK(served == 1);
  rig.clock.t += std::chrono::seconds(30);  // 170 s left: refresh
  CHECK(chain->get()->credentials.access_key_id == "STS.ec2");
  CHECK(served == 2);
  // Env now set, but the chain keeps its chosen provider.
  rig.env.vars = {{"ALIBABA_CLOUD_ACCESS_KEY_ID", "a"}, {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "b"}};
  rig.clock.t += std::chrono::seconds(900);
  auto again = chain->get();
  REQUIRE(again.ok());
  CHECK(again->source == "ecs_ram_role");
  CHECK(served == 3);
  // A failing refresh keeps serving credentials that are still valid.
  rig.clock.t += std::chrono::seconds(850);  // within the margin of the third set
  rig.http.handler = nullptr;
  auto kept = chain->get();
  REQUIRE(kept.ok());
  CHECK(kept->credentials.access_key_id == "STS.ec3");
}

TEST_CASE("credentials: parse_iso8601_utc") {
  CHECK(unix_seconds(*parse_iso8601_utc("1970-01-01T00:00:00Z")) == 0);
  CHECK(unix_seconds(*parse_iso8601_utc("2023-11-14T22:13:20Z")) == 1700000000);
  CHECK(unix_seconds(*parse_iso8601_utc("2024-02-29T12:00:00Z")) == 1709208000);
  CHECK_FALSE(parse_iso8601_utc("2023-11-14 22:13:20").has_value());
  CHECK_FALSE(parse_iso8601_utc("2023-13-14T22:13:20Z").has_value());
}

// Signature verification of the emulator: requests signed by the project's own signers pass,
// every tampering, a wrong secret, expiry and skew fail with OSS's / POP's error codes, and the
// published ACS3 vector verifies.
#include "emulate/request_auth.h"

#include <doctest/doctest.h>

#include "oss/hash.h"
#include "oss/signer_acs3.h"
#include "oss/signer_v1.h"
#include "oss/signer_v4.h"

using namespace omm;
using namespace omm::emulate;

namespace {

const oss::SignTime kNow = oss::from_unix_seconds(1702743657);  // 2023-12-16T16:20:57Z

AuthConfig config(std::string token = "") {
  return AuthConfig{{"ak", "sk", std::move(token)}, "cn-hangzhou"};
}

oss::SignRequest object_get() {
  oss::SignRequest r;
  r.method = "GET";
  r.bucket = "bkt";
  r.key = "dir/a b+c.png";
  r.query = {{"x-oss-process", "image/resize,w_100"}, {"uploads", ""}};
  r.headers = {{"Content-Type", "image/png"}, {"x-oss-meta-a", "1"}, {"Host", "bkt.example"}};
  return r;
}

ReceivedRequest received(const oss::SignRequest& r, const oss::Params& extra_headers,
                         const oss::Params& query) {
  ReceivedRequest out{r.method, r.bucket, r.key, query, r.headers, {}};
  for (const auto& h : extra_headers) out.headers.push_back(h);
  return out;
}

ReceivedRequest v4_header(const oss::Credentials& creds, oss::SignTime t = kNow,
                          std::vector<std::string> additional = {}) {
  oss::V4Input in{object_get(), "cn-hangzhou", "oss", t, std::move(additional)};
  auto s = oss::sign_v4_header(in, creds);
  REQUIRE(s.ok());
  return received(in.request, s->headers, in.request.query);
}

ReceivedRequest v4_presigned(const oss::Credentials& creds, oss::SignTime t, int64_t expires) {
  oss::V4Input in{object_get(), "cn-hangzhou", "oss", t, {}};
  auto s = oss::presign_v4(in, creds, expires);
  REQUIRE(s.ok());
  return received(in.request, {}, s->query);
}

ReceivedRequest v1_header(const oss::Credentials& creds, oss::SignTime t = kNow) {
  oss::V1Input in{object_get(), t, {}};
  auto s = oss::sign_v1_header(in, creds);
  REQUIRE(s.ok());
  return received(in.request, s->headers, in.request.query);
}

ReceivedRequest v1_presigned(const oss::Credentials& creds, oss::SignTime expires_at) {
  oss::V1Input in{object_get(), expires_at - std::chrono::seconds(60), {}};
  auto s = oss::presign_v1(in, creds, expires_at);
  REQUIRE(s.ok());
  return received(in.request, {}, s->query);
}

std::string code(const ReceivedRequest& r, const AuthConfig& c = config(),
                 oss::SignTime now = kNow) {
  return verify_oss_request(r, c, now).code;
}

const oss::Credentials kGood{"ak", "sk", ""};
const oss::Credentials kWrongSecret{"ak", "not-the-secret", ""};
const oss::Credentials kWrongKey{"other", "sk", ""};

}  // namespace

TEST_CASE("auth: OSS V4 and V1, header-signed and presigned") {
  const struct {
    const char* name;
    ReceivedRequest req;
    const char* code;  // "" = accepted
  } cases[] = {
      {"v4 header", v4_header(kGood), ""},
      {"v4 header, additional headers", v4_header(kGood, kNow, {"host"}), ""},
      {"v4 header, wrong secret", v4_header(kWrongSecret), "SignatureDoesNotMatch"},
      {"v4 header, unknown key", v4_header(kWrongKey), "InvalidAccessKeyId"},
      {"v4 header, 20 min old", v4_header(kGood, kNow - std::chrono::minutes(20)),
       "RequestTimeTooSkewed"},
      {"v4 presigned", v4_presigned(kGood, kNow - std::chrono::seconds(30), 60), ""},
      {"v4 presigned, wrong secret", v4_presigned(kWrongSecret, kNow, 60), "SignatureDoesNotMatch"},
      {"v4 presigned, expired", v4_presigned(kGood, kNow - std::chrono::seconds(61), 60),
       "AccessDenied"},
      {"v1 header", v1_header(kGood), ""},
      {"v1 header, wrong secret", v1_header(kWrongSecret), "SignatureDoesNotMatch"},
      {"v1 header, 20 min in the future", v1_header(kGood, kNow + std::chrono::minutes(20)),
       "RequestTimeTooSkewed"},
      {"v1 presigned", v1_presigned(kGood, kNow + std::chrono::seconds(60)), ""},
      {"v1 presigned, wrong secret", v1_presigned(kWrongSecret, kNow + std::chrono::seconds(60)),
       "SignatureDoesNotMatch"},
      {"v1 presigned, expired", v1_presigned(kGood, kNow - std::chrono::seconds(1)),
       "AccessDenied"},
      {"anonymous", ReceivedRequest{"GET", "bkt", "a.png", {}, {}, {}}, "AccessDenied"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    AuthError e = verify_oss_request(c.req, config(), kNow);
    CHECK(e.code == c.code);
    if (!e.ok()) {
      CHECK(e.http_status == 403);
      CHECK(e.message.find("sk") == std::string::npos);  // never the secret
    }
  }
}

TEST_CASE("auth: any change to a signed part of the request is detected") {
  for (bool v4 : {true, false}) {
    CAPTURE(v4);
    auto sign = [&] { return v4 ? v4_header(kGood) : v1_header(kGood); };
    ReceivedRequest r = sign();
    REQUIRE(code(r).empty());
    r = sign();
    r.key = "dir/other.png";
    CHECK(code(r) == "SignatureDoesNotMatch");
    r = sign();
    r.bucket = "other";
    CHECK(code(r) == "SignatureDoesNotMatch");
    r = sign();
    r.method = "DELETE";
    CHECK(code(r) == "SignatureDoesNotMatch");
    r = sign();
    r.query[0].second = "image/resize,w_101";  // x-oss-process is signed in both versions
    CHECK(code(r) == "SignatureDoesNotMatch");
    r = sign();
    oss::set_header(r.headers, "x-oss-meta-a", "2");
    CHECK(code(r) == "SignatureDoesNotMatch");
    r = sign();
    oss::set_header(r.headers, "Content-Type", "image/jpeg");
    CHECK(code(r) == "SignatureDoesNotMatch");
  }
}

TEST_CASE("auth: the security token must be presented when configured") {
  oss::Credentials sts{"ak", "sk", "token-1"};
  CHECK(code(v4_header(sts), config("token-1")).empty());
  CHECK(code(v4_header(kGood), config("token-1")) == "InvalidSecurityToken");
  CHECK(code(v4_presigned(sts, kNow, 60), config("token-1")).empty());
  CHECK(code(v1_header(sts), config("token-1")).empty());
  CHECK(code(v1_presigned(sts, kNow + std::chrono::seconds(60)), config("token-1")).empty());
  CHECK(code(v1_header(oss::Credentials{"ak", "sk", "token-2"}), config("token-1")) ==
        "InvalidSecurityToken");
}

TEST_CASE("auth: the V4 scope must name the configured region") {
  AuthConfig other = config();
  other.region = "cn-beijing";
  CHECK(code(v4_header(kGood), other) == "SignatureDoesNotMatch");
}

TEST_CASE("auth: ACS3 (IMM)") {
  oss::PopRequest pop;
  pop.host = "127.0.0.1:1234";
  pop.action = "GetProject";
  pop.version = "2020-09-30";
  pop.query = {{"ProjectName", "p 1"}, {"Empty", ""}};
  pop.time = kNow;
  pop.nonce = "n1";
  auto make = [&](const oss::Credentials& c) {
    auto s = oss::sign_pop_v3(pop, c);
    REQUIRE(s.ok());
    return ReceivedRequest{"POST", "", "", pop.query, s->headers, pop.body};
  };
  AuthConfig c = config();
  CHECK(verify_acs3_request(make(kGood), c, kNow).code == "");
  CHECK(verify_acs3_request(make(kWrongSecret), c, kNow).code == "SignatureDoesNotMatch");
  CHECK(verify_acs3_request(make(kWrongKey), c, kNow).code == "InvalidAccessKeyId.NotFound");
  CHECK(verify_acs3_request(make(kGood), c, kNow + std::chrono::minutes(16)).code ==
        "InvalidTimeStamp.Expired");
  ReceivedRequest tampered = make(kGood);
  tampered.query[0].second = "p 2";
  CHECK(verify_acs3_request(tampered, c, kNow).code == "SignatureDoesNotMatch");
  tampered = make(kGood);
  tampered.body = "{}";  // the payload hash no longer matches
  CHECK(verify_acs3_request(tampered, c, kNow).code == "SignatureDoesNotMatch");
  CHECK(verify_acs3_request(ReceivedRequest{"POST", "", "", {}, {}, {}}, c, kNow).code ==
        "IncompleteSignature");
}

TEST_CASE("auth: the published ACS3 example verifies (oss_protocol.md §5.3)") {
  ReceivedRequest r{
      "POST",
      "",
      "",
      {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
       {"RegionId", "cn-shanghai"}},
      {{"host", "ecs.cn-shanghai.aliyuncs.com"},
       {"x-acs-action", "RunInstances"},
       {"x-acs-version", "2014-05-26"},
       {"x-acs-date", "2023-10-26T09:01:01Z"},
       {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
       {"x-acs-content-sha256", oss::sha256_hex("")},
       {"Authorization",
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
        "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"}},
      {}};
  AuthConfig c{{"YourAccessKeyId", "YourAccessKeySecret", ""}, "cn-hangzhou"};
  oss::SignTime at = oss::from_unix_seconds(1698310861);  // 2023-10-26T09:01:01Z
  CHECK(verify_acs3_request(r, c, at).code == "");
  c.credentials.access_key_secret = "wrong";
  CHECK(verify_acs3_request(r, c, at).code == "SignatureDoesNotMatch");
}

TEST_CASE("auth: Authorization fields") {
  std::string a =
      "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request, "
      "AdditionalHeaders=host,Signature=abc";
  CHECK(auth_field(a, "Credential") == "ak/20231216/cn-hangzhou/oss/aliyun_v4_request");
  CHECK(auth_field(a, "AdditionalHeaders") == "host");
  CHECK(auth_field(a, "Signature") == "abc");
  CHECK(auth_field(a, "Missing") == "");
}

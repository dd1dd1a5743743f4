// POP ACS3-HMAC-SHA256 against every vector of oss_protocol.md §5.3 (DOA/DOU unit tests and the
// documented RunInstances example), step by step.
#include "oss/signer_acs3.h"

#include <doctest/doctest.h>

#include "oss/hash.h"

using namespace omm::oss;

TEST_CASE("signer_acs3: DOU/DOA vectors (unset method and GET)") {
  struct Case {
    const char* name;
    const char* method;
    const char* canonical_request;
    const char* signature;
  } cases[] = {
      {"Test_GetAuthorization (method unset)", "",
       "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n"
       "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
       "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3"},
      {"python test_client (GET)", "GET",
       "GET\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n"
       "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
       "d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    Acs3Input in{c.method,
                 "",
                 {{"test", "ok"}, {"empty", ""}},
                 {{"x-acs-test", "http"}, {"x-acs-TEST", "https"}},
                 "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"};
    auto got = sign_acs3(in, Credentials{"acesskey", "secret", ""});
    REQUIRE(got.ok());
    CHECK(got->canonical_request == c.canonical_request);
    CHECK(got->string_to_sign == "ACS3-HMAC-SHA256\n" + sha256_hex(c.canonical_request));
    CHECK(got->signed_headers == "x-acs-test");
    CHECK(got->signature == c.signature);
    CHECK(got->authorization ==
          std::string("ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=") +
              c.signature);
  }
}

namespace {

constexpr const char* kDocCanonical =
    "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
    "host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\n"
    "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    "x-acs-date:2023-10-26T09:01:01Z\nx-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\n"
    "x-acs-version:2014-05-26\n\n"
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kDocStringToSign =
    "ACS3-HMAC-SHA256\n29622f5feb1e9fcaaa2e276a72889c975f7b16f00e02be1ca34965b18cd85015";
constexpr const char* kDocSignature =
    "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804";
const Credentials kDocCreds{"YourAccessKeyId", "YourAccessKeySecret", ""};
const Params kDocQuery = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
                          {"RegionId", "cn-shanghai"}};

}  // namespace

TEST_CASE("signer_acs3: documented RunInstances example, headers as given") {
  Acs3Input in{"POST",
               "/",
               kDocQuery,
               {{"host", "ecs.cn-shanghai.aliyuncs.com"},
                {"x-acs-action", "RunInstances"},
                {"x-acs-version", "2014-05-26"},
                {"x-acs-date", "2023-10-26T09:01:01Z"},
                {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
                {"x-acs-content-sha256", sha256_hex("")},
                {"accept", "application/json"},  // not signed
                {"user-agent", "test"}},
               sha256_hex("")};
  auto got = sign_acs3(in, kDocCreds);
  REQUIRE(got.ok());
  CHECK(got->canonical_request == kDocCanonical);
  CHECK(got->string_to_sign == kDocStringToSign);
  CHECK(got->signature == kDocSignature);
}

TEST_CASE("signer_acs3: sign_pop_v3 adds the RPC headers and reproduces the example") {
  PopRequest req;
  req.host = "ecs.cn-shanghai.aliyuncs.com";
  req.action = "RunInstances";
  req.version = "2014-05-26";
  req.query = kDocQuery;
  req.time = from_unix_seconds(1698310861);  // 2023-10-26T09:01:01Z
  req.nonce = "d410180a5abf7fe235dd9b74aca91fc0";
  auto got = sign_pop_v3(req, kDocCreds);
  REQUIRE(got.ok());
  CHECK(got->canonical_request == kDocCanonical);
  CHECK(got->string_to_sign == kDocStringToSign);
  CHECK(got->authorization ==
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" +
            std::string(kDocSignature));
  CHECK(find_header(got->headers, "x-acs-date") == "2023-10-26T09:01:01Z");
  CHECK(find_header(got->headers, "Authorization") == got->authorization);

  SUBCASE("STS adds x-acs-security-token and x-acs-accesskey-id, both signed") {
    auto sts = sign_pop_v3(req, Credentials{"YourAccessKeyId", "YourAccessKeySecret", "tok"});
    REQUIRE(sts.ok());
    CHECK(sts->signed_headers ==
          "host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;"
          "x-acs-security-token;x-acs-signature-nonce;x-acs-version");
    CHECK(find_header(sts->headers, "x-acs-security-token") == "tok");
    CHECK(find_header(sts->headers, "x-acs-accesskey-id") == "YourAccessKeyId");
    CHECK(sts->signature != kDocSignature);
  }
  SUBCASE("a body is hashed into x-acs-content-sha256; content-type is signed") {
    req.body = "{}";
    req.headers = {{"Content-Type", "application/json"}};
    auto body = sign_pop_v3(req, kDocCreds);
    REQUIRE(body.ok());
    CHECK(find_header(body->headers, "x-acs-content-sha256") == sha256_hex("{}"));
    CHECK(body->canonical_request.ends_with("\n" + sha256_hex("{}")));
    CHECK(body->signed_headers.starts_with("content-type;host;"));
  }
  SUBCASE("empty required fields are refused by name") {
    req.nonce.clear();
    auto refused = sign_pop_v3(req, kDocCreds);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().to_string() == "[oss.sign.pop] nonce is empty");
  }
}

TEST_CASE("signer_acs3: canonical query keeps '=' for empty values and RFC 3986 encodes") {
  const struct {
    Params query;
    const char* canonical;
  } cases[] = {
      {{{"test", "ok"}, {"empty", ""}}, "empty=&test=ok"},
      {{{"a b", "c*d~e"}, {"B", "x/y+z"}}, "B=x%2Fy%2Bz&a%20b=c%2Ad~e"},
      {{{"Sources", "[{\"URI\":\"oss://b/k.mp4\"}]"}},
       "Sources=%5B%7B%22URI%22%3A%22oss%3A%2F%2Fb%2Fk.mp4%22%7D%5D"},
      {{}, ""},
  };
  for (const auto& c : cases) {
    const std::string canonical = c.canonical;
    CAPTURE(canonical);
    CHECK(acs3_canonical_query(c.query) == c.canonical);
  }
}

// OSS Signature V4 against every vector of oss_protocol.md §1.6 (GO2/PY2 signer_test) and §1.7,
// step by step: canonical request, its SHA-256, string to sign, signature, Authorization or
// presigned query.
#include "oss/signer_v4.h"

#include <doctest/doctest.h>

#include "oss/hash.h"

using namespace omm::oss;

namespace {

const Credentials kAk{"ak", "sk", ""};
const Credentials kSts{"ak", "sk", "token"};

// §1.6 common inputs: PUT bucket/1234+-/123/1.txt with six query parameters and four headers.
SignRequest vector_request(const char* content_type, bool with_sha256_header) {
  SignRequest r;
  r.method = "PUT";
  r.bucket = "bucket";
  r.key = "1234+-/123/1.txt";
  r.query = {{"param1", "value1"}, {"+param1", "value3"}, {"|param1", "value4"},
             {"+param2", ""},      {"|param2", ""},       {"param2", ""}};
  r.headers = {{"x-oss-head1", "value"},
               {"abc", "value"},
               {"ZAbc", "value"},
               {"XYZ", "value"},
               {"content-type", content_type}};
  if (with_sha256_header) r.headers.emplace_back("x-oss-content-sha256", "UNSIGNED-PAYLOAD");
  return r;
}

constexpr const char* kVectorQuery =
    "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2";

std::string string_to_sign(const char* date, const char* day, const char* canonical_sha256) {
  return std::string("OSS4-HMAC-SHA256\n") + date + "\n" + day +
         "/cn-hangzhou/oss/aliyun_v4_request\n" + canonical_sha256;
}

}  // namespace

TEST_CASE("signer_v4: header-signed vectors H1-H3 step by step") {
  struct Case {
    const char* name;
    int64_t time;
    const Credentials* creds;
    std::vector<std::string> additional;
    const char* date;
    const char* day;
    std::string canonical_request;  // the published one (H1, H3) or the one §1.6 describes (H2)
    const char* canonical_sha256;
    const char* authorization;
  } cases[] = {
      {"V4-H1",
       1702743657,
       &kAk,
       {},
       "20231216T162057Z",
       "20231216",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
           "x-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
       "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4",
       "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
       "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"},
      {"V4-H2 (STS)",
       1702784856,
       &kSts,
       {},
       "20231217T034736Z",
       "20231217",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
           "x-oss-date:20231217T034736Z\nx-oss-head1:value\nx-oss-security-token:token\n\n\n"
           "UNSIGNED-PAYLOAD",
       "69494678fb11579d4ee12996e2796d9e2ba43c34aa4c723c4aec018f3d6b86b8",
       "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,"
       "Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"},
      {"V4-H3 (AdditionalHeaders)",
       1702747512,
       &kAk,
       {"ZAbc", "abc"},
       "20231216T172512Z",
       "20231216",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "\nabc:value\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
           "x-oss-date:20231216T172512Z\nx-oss-head1:value\nzabc:value\n\nabc;zabc\n"
           "UNSIGNED-PAYLOAD",
       "16b86004ed2cc3406dd7a13081bd940ef6a5ad49e508da2d4fdf84e8a5dd2145",
       "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
       "AdditionalHeaders=abc;zabc,"
       "Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"},
      {"V4-H3 (list with x-oss-no-exist, x-oss-head1)",
       1702747512,
       &kAk,
       {"x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"},
       "20231216T172512Z",
       "20231216",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "\nabc:value\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
           "x-oss-date:20231216T172512Z\nx-oss-head1:value\nzabc:value\n\nabc;zabc\n"
           "UNSIGNED-PAYLOAD",
       "16b86004ed2cc3406dd7a13081bd940ef6a5ad49e508da2d4fdf84e8a5dd2145",
       "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
       "AdditionalHeaders=abc;zabc,"
       "Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    V4Input in{vector_request("text/plain", true), "cn-hangzhou", "oss", from_unix_seconds(c.time),
               c.additional};
    auto got = sign_v4_header(in, *c.creds);
    REQUIRE(got.ok());
    CHECK(got->canonical_request == c.canonical_request);
    CHECK(sha256_hex(got->canonical_request) == c.canonical_sha256);
    CHECK(got->string_to_sign == string_to_sign(c.date, c.day, c.canonical_sha256));
    CHECK(got->authorization == c.authorization);
    CHECK(std::string(c.authorization).ends_with("Signature=" + got->signature));
    // The wire query keeps the caller's order; only the canonical form is sorted.
    CHECK(got->query_string ==
          "param1=value1&%2Bparam1=value3&%7Cparam1=value4&%2Bparam2&%7Cparam2&param2");
    // The headers to put on the wire, with the signed date.
    CHECK(find_header(got->headers, "x-oss-date") == c.date);
    CHECK(find_header(got->headers, "x-oss-content-sha256") == "UNSIGNED-PAYLOAD");
    CHECK(find_header(got->headers, "Authorization") == c.authorization);
    CHECK(find_header(got->headers, "x-oss-security-token").has_value() == c.creds->has_token());
  }
}

TEST_CASE("signer_v4: H1 string to sign is the published one, and the step functions agree") {
  const SignTime t = from_unix_seconds(1702743657);
  V4Input in{vector_request("text/plain", true), "cn-hangzhou", "oss", t, {}};
  auto got = sign_v4_header(in, kAk);
  REQUIRE(got.ok());
  CHECK(got->string_to_sign ==
        "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n"
        "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4");
  CHECK(got->scope == "20231216/cn-hangzhou/oss/aliyun_v4_request");
  CHECK(v4_scope(t, "cn-hangzhou", "oss") == got->scope);
  CHECK(hex_lower(hmac_sha256(v4_signing_key("sk", t, "cn-hangzhou", "oss"),
                              got->string_to_sign)) == got->signature);
  // Without the caller's x-oss-content-sha256 header the signer adds it: same signature.
  SignRequest bare = vector_request("text/plain", false);
  auto again = sign_v4_header(V4Input{bare, "cn-hangzhou", "oss", t, {}}, kAk);
  REQUIRE(again.ok());
  CHECK(again->signature == got->signature);
}

TEST_CASE("signer_v4: presigned vectors Q1-Q4 step by step") {
  const std::string q1_canonical =
      std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
      "&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
      "&x-oss-date=20231217T025437Z&x-oss-expires=599"
      "&x-oss-signature-version=OSS4-HMAC-SHA256\n"
      "content-type:application/octet-stream\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD";
  struct Case {
    const char* name;
    int64_t time;
    int64_t expires;
    const Credentials* creds;
    std::vector<std::string> additional;
    const char* date;
    const char* day;
    std::string canonical_request;  // empty: only the hash is published
    const char* canonical_sha256;   // nullptr: not published
    const char* signature;
  } cases[] = {
      {"V4-Q1",
       1702781677,
       1702782276 - 1702781677,
       &kAk,
       {},
       "20231217T025437Z",
       "20231217",
       q1_canonical,
       "48814c11f278d51662015bf2f896b66ca10b6de0187ed8d952e341bbce0aa336",
       "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"},
      {"V4-Q2 (STS)",
       1702785388,
       1702785987 - 1702785388,
       &kSts,
       {},
       "20231217T035628Z",
       "20231217",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
           "&x-oss-date=20231217T035628Z&x-oss-expires=599&x-oss-security-token=token"
           "&x-oss-signature-version=OSS4-HMAC-SHA256\n"
           "content-type:application/octet-stream\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
       "458705026c021c95dd317d008cff79df19ce99bf2b241d1ecb20f4d65bb851a5",
       "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"},
      {"V4-Q3 (AdditionalHeaders)",
       1702783809,
       1702784408 - 1702783809,
       &kAk,
       {"ZAbc", "abc"},
       "20231217T033009Z",
       "20231217",
       std::string("PUT\n/bucket/1234%2B-/123/1.txt\n") + kVectorQuery +
           "&x-oss-additional-headers=abc%3Bzabc"
           "&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
           "&x-oss-date=20231217T033009Z&x-oss-expires=599"
           "&x-oss-signature-version=OSS4-HMAC-SHA256\n"
           "abc:value\ncontent-type:application/octet-stream\nx-oss-head1:value\nzabc:value\n\n"
           "abc;zabc\nUNSIGNED-PAYLOAD",
       "e06541af14a8dc30dd12d3b75557af47f405e37784a76eae1a844c3426777df9",
       "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"},
      {"V4-Q4 (5 days)",
       1702781677,
       432000,
       &kAk,
       {},
       "20231217T025437Z",
       "20231217",
       "",
       nullptr,
       "31029123dc7732d2d2cfd4006ea4fdb6cf86da6478f813e2bf8f87877c7b9fec"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    V4Input in{vector_request("application/octet-stream", false), "cn-hangzhou", "oss",
               from_unix_seconds(c.time), c.additional};
    auto got = presign_v4(in, *c.creds, c.expires);
    REQUIRE(got.ok());
    if (!c.canonical_request.empty()) CHECK(got->canonical_request == c.canonical_request);
    if (c.canonical_sha256 != nullptr) {
      CHECK(sha256_hex(got->canonical_request) == c.canonical_sha256);
      CHECK(got->string_to_sign == string_to_sign(c.date, c.day, c.canonical_sha256));
    }
    CHECK(got->signature == c.signature);
    CHECK(got->authorization.empty());
    CHECK(got->headers.empty());  // query mode adds no x-oss-date / sha256 headers
    REQUIRE(!got->query.empty());
    CHECK(got->query.back() == std::pair<std::string, std::string>{"x-oss-signature", c.signature});
    CHECK(find_header(got->query, "x-oss-credential") ==
          std::string("ak/") + c.day + "/cn-hangzhou/oss/aliyun_v4_request");
    CHECK(find_header(got->query, "x-oss-expires") == std::to_string(c.expires));
    CHECK(got->query_string.ends_with("&x-oss-signature=" + std::string(c.signature)));
  }
}

TEST_CASE("signer_v4: extra use-case vectors A-C (oss_protocol.md §1.7)") {
  const SignTime t = from_unix_seconds(1702743657);
  SUBCASE("A: GET with x-oss-process") {
    SignRequest r{
        "GET", "examplebucket", "photo.jpg", {{"x-oss-process", "image/resize,w_100"}}, {}};
    auto got = sign_v4_header(V4Input{r, "cn-hangzhou", "oss", t, {}}, kAk);
    REQUIRE(got.ok());
    CHECK(got->query_string == "x-oss-process=image%2Fresize%2Cw_100");
    CHECK(got->canonical_request ==
          "GET\n/examplebucket/photo.jpg\nx-oss-process=image%2Fresize%2Cw_100\n"
          "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\n\n\n"
          "UNSIGNED-PAYLOAD");
    CHECK(got->authorization ==
          "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
          "Signature=c42e980bb8341a142c7d7f07b4a7e026b1a463120d624c092106412a38d1504d");
  }
  SUBCASE("B: async processing POST with STS") {
    SignRequest r{"POST",
                  "examplebucket",
                  "video.mp4",
                  {{"x-oss-async-process", ""}},
                  {{"Content-Type", "application/x-www-form-urlencoded"}}};
    auto got = sign_v4_header(V4Input{r, "cn-hangzhou", "oss", t, {}},
                              Credentials{"ak", "sk", "sts-token"});
    REQUIRE(got.ok());
    CHECK(got->canonical_request ==
          "POST\n/examplebucket/video.mp4\nx-oss-async-process\n"
          "content-type:application/x-www-form-urlencoded\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
          "x-oss-date:20231216T162057Z\nx-oss-security-token:sts-token\n\n\nUNSIGNED-PAYLOAD");
    CHECK(got->signature == "60c053fe7c6fdf578ae5608d6b066300ef2825cba49fb681ed01a8879116339e");
    CHECK(got->query_string == "x-oss-async-process");
  }
  SUBCASE("C: presigned GET of a key with a space") {
    SignRequest r{
        "GET", "examplebucket", "dir/photo 1.jpg", {{"x-oss-process", "image/resize,w_100"}}, {}};
    auto got = presign_v4(V4Input{r, "cn-hangzhou", "oss", t, {}}, kAk, 3600);
    REQUIRE(got.ok());
    CHECK(got->canonical_request.starts_with("GET\n/examplebucket/dir/photo%201.jpg\n"));
    const std::string url = "https://examplebucket.oss-cn-hangzhou.aliyuncs.com" +
                            encode_key_path(r.key) + "?" + got->query_string;
    CHECK(url ==
          "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/photo%201.jpg"
          "?x-oss-process=image%2Fresize%2Cw_100&x-oss-signature-version=OSS4-HMAC-SHA256"
          "&x-oss-date=20231216T162057Z&x-oss-expires=3600"
          "&x-oss-credential=ak%2F20231216%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
          "&x-oss-signature=768073348d86d675b4c6b83c5db25df22937622337c945124501dbee0b21f7c7");
  }
}

TEST_CASE("signer_v4: canonical URI always holds the bucket") {
  const struct {
    const char* bucket;
    const char* key;
    const char* uri;
  } cases[] = {
      {"", "", "/"},
      {"bucket", "", "/bucket/"},
      {"bucket", "1234+-/123/1.txt", "/bucket/1234%2B-/123/1.txt"},
      {"b", "dir/photo 1.jpg", "/b/dir/photo%201.jpg"},
      {"b", "a~b_c.d-e", "/b/a~b_c.d-e"},
      {"b", "\xe4\xb8\xad/x=y", "/b/%E4%B8%AD/x%3Dy"},
  };
  for (const auto& c : cases) {
    const std::string key = c.key;
    CAPTURE(key);
    CHECK(v4_canonical_uri(c.bucket, c.key) == c.uri);
  }
}

TEST_CASE("signer_v4: AdditionalHeaders drops default-signed and absent names") {
  const Params headers = {{"x-oss-head1", "value"},
                          {"abc", "value"},
                          {"ZAbc", "value"},
                          {"empty", ""},
                          {"Content-Type", "text/plain"}};
  const struct {
    std::vector<std::string> names;
    const char* line;
  } cases[] = {
      {{"x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"}, "abc;zabc"},
      {{"ZAbc", "abc", "ABC"}, "abc;zabc"},
      {{"missing", "empty", "content-type", "Content-MD5"}, ""},
      {{}, ""},
  };
  for (const auto& c : cases) {
    const std::string line = c.line;
    CAPTURE(line);
    CHECK(v4_additional_headers(headers, c.names) == c.line);
  }
  // Several values of one header are trimmed and joined with ','.
  CHECK(v4_canonical_headers({{"X-Oss-Meta-A", " 1 "}, {"x-oss-meta-a", "2"}, {"Host", "h"}}, "") ==
        "x-oss-meta-a:1,2\n");
}

TEST_CASE("signer_v4: refusals name the field and the allowed values") {
  const SignTime t = from_unix_seconds(1702743657);
  const SignRequest ok_request{"GET", "b", "k", {}, {}};
  struct Case {
    const char* name;
    SignRequest request;
    std::string region;
    Credentials creds;
    bool presign;
    int64_t expires;  // presign only
    const char* error;
  } cases[] = {
      {"expires 0", ok_request, "cn-hangzhou", kAk, true, 0,
       "[oss.sign.expires] expires must be 1..604800 seconds, got 0"},
      {"expires 7 days + 1", ok_request, "cn-hangzhou", kAk, true, 604801,
       "[oss.sign.expires] expires must be 1..604800 seconds, got 604801"},
      {"oss- region", ok_request, "oss-cn-hangzhou", kAk, false, 0,
       "[oss.sign.region] region must be a bare region id such as cn-hangzhou, got "
       "'oss-cn-hangzhou'"},
      {"empty region", ok_request, "", kAk, false, 0,
       "[oss.sign.region] region must be a bare region id such as cn-hangzhou, got ''"},
      {"no secret", ok_request, "cn-hangzhou", Credentials{"ak", "", ""}, false, 0,
       "[oss.sign.credentials] access_key_secret is empty"},
      {"no key id", ok_request, "cn-hangzhou", Credentials{"", "sk", ""}, true, 60,
       "[oss.sign.credentials] access_key_id is empty"},
      {"no method", SignRequest{"", "b", "k", {}, {}}, "cn-hangzhou", kAk, false, 0,
       "[oss.sign.method] method is empty"},
      {"signed payload", SignRequest{"PUT", "b", "k", {}, {{"X-Oss-Content-Sha256", "abcd"}}},
       "cn-hangzhou", kAk, false, 0,
       "[oss.sign.content_sha256] x-oss-content-sha256 must be UNSIGNED-PAYLOAD, got 'abcd'"},
      {"duplicate query", SignRequest{"GET", "b", "k", {{"a", "1"}, {"a", "2"}}, {}}, "cn-hangzhou",
       kAk, true, 60, "[oss.sign.query] query parameter 'a' appears twice"},
      {"caller-set signature", SignRequest{"GET", "b", "k", {{"x-oss-signature", "x"}}, {}},
       "cn-hangzhou", kAk, true, 60,
       "[oss.sign.query] query parameter 'x-oss-signature' is set by the signer, not the caller"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    V4Input in{c.request, c.region, "oss", t, {}};
    auto got = c.presign ? presign_v4(in, c.creds, c.expires) : sign_v4_header(in, c.creds);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().to_string() == c.error);
  }
}

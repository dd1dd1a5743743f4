// OSS Signature V1 against every vector of oss_protocol.md §2.3 (GO2 signer_test) and extra
// vector D, step by step: string to sign, then Authorization or presigned query.
#include "oss/signer_v1.h"

#include <doctest/doctest.h>

using namespace omm::oss;

namespace {

const Credentials kAk{"ak", "sk", ""};
constexpr const char* kDate = "Wed, 28 Dec 2022 10:27:41 GMT";
constexpr int64_t kDateUnix = 1672223261;

Params nelson_headers() {
  return {{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
          {"Content-Type", "text/html"},
          {"x-oss-meta-author", "alice"},
          {"x-oss-meta-magic", "abracadabra"},
          {"x-oss-date", kDate}};
}

}  // namespace

TEST_CASE("signer_v1: header-signed vectors H1-H4 and D") {
  struct Case {
    const char* name;
    SignRequest request;
    int64_t time;
    std::vector<std::string> extra;
    const char* string_to_sign;  // nullptr: not published
    const char* authorization;
  } cases[] = {
      {"V1-H1",
       {"PUT", "examplebucket", "nelson", {}, nelson_headers()},
       kDateUnix,
       {},
       "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n"
       "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n"
       "x-oss-meta-magic:abracadabra\n/examplebucket/nelson",
       "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M="},
      {"V1-H2 (?acl)",
       {"PUT", "examplebucket", "nelson", {{"acl", ""}}, nelson_headers()},
       kDateUnix,
       {},
       "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n"
       "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n"
       "x-oss-meta-magic:abracadabra\n/examplebucket/nelson?acl",
       "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk="},
      {"V1-H3 (resourceGroup, unsigned non-resource)",
       {"GET",
        "examplebucket",
        "",
        {{"resourceGroup", ""}, {"non-resousce", "null"}},
        {{"x-oss-date", kDate}}},
       kDateUnix,
       {"resourceGroup"},
       "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n"
       "/examplebucket/?resourceGroup",
       "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs="},
      {"V1-H4 (resourceGroup&acl sorted)",
       {"GET", "examplebucket", "", {{"resourceGroup", ""}, {"acl", ""}}, {{"x-oss-date", kDate}}},
       kDateUnix,
       {"resourceGroup"},
       "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n"
       "/examplebucket/?acl&resourceGroup",
       "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk="},
      {"D (x-oss-process, Date set by the signer)",
       {"GET", "examplebucket", "photo.jpg", {{"x-oss-process", "image/resize,w_100"}}, {}},
       1702743657,
       {},
       "GET\n\n\nSat, 16 Dec 2023 16:20:57 GMT\n/examplebucket/photo.jpg"
       "?x-oss-process=image/resize,w_100",
       "OSS ak:QZdvlvKKb/SS5vJ6qMLAaFadsxY="},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    auto got = sign_v1_header(V1Input{c.request, from_unix_seconds(c.time), c.extra}, kAk);
    REQUIRE(got.ok());
    CHECK(got->string_to_sign == c.string_to_sign);
    CHECK(got->authorization == c.authorization);
    CHECK("OSS ak:" + got->signature == c.authorization);
    CHECK(find_header(got->headers, "Authorization") == c.authorization);
    // A Date header is always sent; the signer adds it (from the sign time) when absent.
    CHECK(find_header(got->headers, "Date") ==
          (find_header(c.request.headers, "Date")
               ? std::nullopt
               : std::optional(rfc1123(from_unix_seconds(c.time)))));
  }
}

TEST_CASE("signer_v1: presigned vectors Q1-Q2") {
  struct Case {
    const char* name;
    const char* key;
    int64_t expires;
    Credentials creds;
    const char* string_to_sign;
    const char* url;
  } cases[] = {
      {"V1-Q1", "key", 1699807420, kAk, "GET\n\n\n1699807420\n/bucket/key?versionId=versionId",
       "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?Expires=1699807420&OSSAccessKeyId=ak"
       "&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId"},
      {"V1-Q2 (STS, key with '+')", "key+123", 1699808204, Credentials{"ak", "sk", "token"},
       "GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId",
       "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?Expires=1699808204&OSSAccessKeyId=ak"
       "&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    SignRequest r{"GET", "bucket", c.key, {{"versionId", "versionId"}}, {}};
    auto got = presign_v1(V1Input{r, from_unix_seconds(c.expires - 600), {}}, c.creds,
                          from_unix_seconds(c.expires));
    REQUIRE(got.ok());
    CHECK(got->string_to_sign == c.string_to_sign);
    CHECK(got->headers.empty());
    CHECK(got->authorization.empty());
    CHECK("http://bucket.oss-cn-hangzhou.aliyuncs.com" + encode_key_path(c.key) + "?" +
              got->query_string ==
          c.url);
  }
}

TEST_CASE("signer_v1: canonical resource signs sub-resources only, raw and sorted") {
  const struct {
    const char* name;
    const char* bucket;
    const char* key;
    Params query;
    const char* resource;
  } cases[] = {
      {"service", "", "", {}, "/"},
      {"bucket", "b", "", {}, "/b/"},
      {"raw key", "b", "dir/a b+c.jpg", {}, "/b/dir/a b+c.jpg"},
      {"list parameters are not signed",
       "b",
       "",
       {{"list-type", "2"}, {"prefix", "p/"}, {"max-keys", "10"}, {"continuation-token", "t"}},
       "/b/?continuation-token=t"},
      {"multipart",
       "b",
       "k",
       {{"uploadId", "0004B9"}, {"partNumber", "2"}},
       "/b/k?partNumber=2&uploadId=0004B9"},
      {"any x-oss- name, decoded value",
       "b",
       "k",
       {{"x-oss-async-process", ""},
        {"x-oss-traffic-limit", "100"},
        {"response-content-type", "a/b c"}},
       "/b/k?response-content-type=a/b c&x-oss-async-process&x-oss-traffic-limit=100"},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    CHECK(v1_canonical_resource(c.bucket, c.key, c.query, {}) == c.resource);
  }
  CHECK(v1_canonical_resource("b", "k", {{"custom", "1"}}, {"custom"}) == "/b/k?custom=1");
}

TEST_CASE("signer_v1: STS header mode signs x-oss-security-token; x-oss-date wins over Date") {
  SignRequest r{"GET", "b", "k", {}, {{"Date", "Thu, 01 Jan 1970 00:00:00 GMT"}}};
  auto got =
      sign_v1_header(V1Input{r, from_unix_seconds(1702743657), {}}, Credentials{"ak", "sk", "tok"});
  REQUIRE(got.ok());
  CHECK(got->string_to_sign ==
        "GET\n\n\nThu, 01 Jan 1970 00:00:00 GMT\nx-oss-security-token:tok\n/b/k");
  CHECK(find_header(got->headers, "x-oss-security-token") == "tok");
  CHECK_FALSE(find_header(got->headers, "Date").has_value());  // the caller's Date is kept

  r.headers.emplace_back("X-OSS-Date", "Sat, 16 Dec 2023 16:20:57 GMT");
  got = sign_v1_header(V1Input{r, from_unix_seconds(1702743657), {}}, kAk);
  REQUIRE(got.ok());
  CHECK(got->string_to_sign ==
        "GET\n\n\nSat, 16 Dec 2023 16:20:57 GMT\nx-oss-date:Sat, 16 Dec 2023 16:20:57 GMT\n/b/k");
}

TEST_CASE("signer_v1: refusals") {
  const SignTime t = from_unix_seconds(1699807420);
  const SignRequest r{"GET", "b", "k", {}, {}};
  auto expired = presign_v1(V1Input{r, t, {}}, kAk, t);
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.status().to_string() ==
        "[oss.sign.expires] expires must be after the sign time, got 0 seconds");
  auto reserved = presign_v1(V1Input{SignRequest{"GET", "b", "k", {{"Expires", "1"}}, {}}, t, {}},
                             kAk, t + std::chrono::seconds(60));
  REQUIRE_FALSE(reserved.ok());
  CHECK(reserved.status().to_string() ==
        "[oss.sign.query] query parameter 'Expires' is set by the signer, not the caller");
  auto no_secret = sign_v1_header(V1Input{r, t, {}}, Credentials{"ak", "", ""});
  REQUIRE_FALSE(no_secret.ok());
  CHECK(no_secret.status().to_string() == "[oss.sign.credentials] access_key_secret is empty");
  auto no_method = sign_v1_header(V1Input{SignRequest{"", "b", "k", {}, {}}, t, {}}, kAk);
  REQUIRE_FALSE(no_method.ok());
  CHECK(no_method.status().to_string() == "[oss.sign.method] method is empty");
}

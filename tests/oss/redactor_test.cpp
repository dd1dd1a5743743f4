// The redaction boundary: presigned V4/V1 URLs and Authorization headers built by the real
// signers with planted credentials, the STS token (with `+`, `/`, `=`) in every encoding, inside
// error messages, JSON keys and values, and log lines. Each output is decoded independently
// (JSON `\/` and `\u00XX`, percent-decoding twice, `+` read as space) and must hold no planted
// value and no signature; benign text must come through unchanged.
#include "oss/redactor.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/embedded.h"
#include "oss/percent_encode.h"
#include "oss/signer_v1.h"
#include "oss/signer_v4.h"

using namespace omm::oss;

namespace {

const Credentials kSts{"STS.NTplantedAkId7xQ2", "PlantedSecret/Key+Val=0123456789",
                       "CAIS+Planted/Token=Value+With/Slash==abcdEFGH/xyz+"};
const char* kHost = "https://examplebucket.oss-cn-hangzhou.aliyuncs.com";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

std::string lower_hex(std::string s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%' && i + 2 < s.size()) {
      s[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
      s[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 2])));
    }
  return s;
}

// Every form the text might hide a value in, decoded by other means than the redactor.
std::vector<std::string> decodings(const std::string& text) {
  std::vector<std::string> out{text};
  std::string j = replace_all(
      replace_all(replace_all(replace_all(text, "\\/", "/"), "\\u002b", "+"), "\\u002B", "+"),
      "\\u002f", "/");
  out.push_back(j);
  std::string d = j;
  for (int round = 0; round < 2; ++round) {
    // Decode only the valid %XX escapes (a stray % must not hide the rest).
    std::string r;
    for (size_t i = 0; i < d.size(); ++i) {
      auto hv = [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c))
                   ? std::stoi(std::string(1, c), nullptr, 16)
                   : -1;
      };
      if (d[i] == '%' && i + 2 < d.size() && hv(d[i + 1]) >= 0 && hv(d[i + 2]) >= 0) {
        r.push_back(static_cast<char>(hv(d[i + 1]) * 16 + hv(d[i + 2])));
        i += 2;
      } else {
        r.push_back(d[i]);
      }
    }
    d = r;
    out.push_back(d);
  }
  out.push_back(replace_all(d, " ", "+"));
  return out;
}

// The first secret found in any decoding of `text`, or "".
std::string leak(const std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& form : decodings(text))
    for (const std::string& s : secrets)
      if (!s.empty() && form.find(s) != std::string::npos) return s;
  return "";
}

std::vector<std::string> planted() {
  return {kSts.access_key_id, kSts.access_key_secret, kSts.security_token};
}

V4Input v4_input() {
  V4Input in;
  in.request = {
      "GET", "examplebucket", "dir/photo 1.jpg", {{"x-oss-process", "image/resize,w_100"}}, {}};
  in.region = "cn-hangzhou";
  in.time = from_unix_seconds(1702743657);
  return in;
}

}  // namespace

TEST_CASE("redactor: presigned V4 and V1 URLs lose every signing value, keep the rest") {
  Redactor r(kSts);

  auto v4 = presign_v4(v4_input(), kSts, 3600);
  REQUIRE(v4.ok());
  std::string url4 =
      std::string(kHost) + encode_key_path("dir/photo 1.jpg") + "?" + v4.value().query_string;
  REQUIRE(url4.find(percent_encode(kSts.security_token)) != std::string::npos);

  V1Input in1;
  in1.request = {
      "GET", "examplebucket", "dir/photo 1.jpg", {{"x-oss-process", "image/resize,w_100"}}, {}};
  in1.time = from_unix_seconds(1702743657);
  auto v1 = presign_v1(in1, kSts, from_unix_seconds(1702747257));
  REQUIRE(v1.ok());
  std::string url1 =
      std::string(kHost) + encode_key_path("dir/photo 1.jpg") + "?" + v1.value().query_string;
  REQUIRE(url1.find("OSSAccessKeyId=") != std::string::npos);

  struct Case {
    const char* name;
    std::string text;
    std::string signature;
    std::vector<std::string> kept;
  } cases[] = {
      {"V4 URL",
       url4,
       v4.value().signature,
       {"examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/photo%201.jpg?",
        "x-oss-process=image%2Fresize%2Cw_100", "x-oss-signature-version=OSS4-HMAC-SHA256",
        "x-oss-date=20231216T162057Z", "x-oss-expires=3600"}},
      {"V1 URL",
       url1,
       v1.value().signature,
       {"Expires=1702747257", "x-oss-process=image%2Fresize%2Cw_100"}},
      {"V4 URL in an error message",
       "[oss.AccessDenied] GET " + url4 + " failed: expired",
       v4.value().signature,
       {"[oss.AccessDenied] GET https://", " failed: expired"}},
      {"V4 URL nested as an encoded query value",
       "https://proxy.example/fetch?u=" + percent_encode(url4) + "&x=1",
       v4.value().signature,
       {"https://proxy.example/fetch?u=", "&x=1"}},
      {"V1 URL, lowercase hex", lower_hex(url1), v1.value().signature, {"Expires=1702747257"}},
      {"V4 URL JSON-escaped",
       replace_all(url4, "/", "\\/"),
       v4.value().signature,
       {"x-oss-date=20231216T162057Z"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::string out = r.redact(c.text);
    CAPTURE(out);
    CHECK(leak(out, planted()) == "");
    CHECK(leak(out, {c.signature}) == "");
    CHECK(out.find("<redacted>") != std::string::npos);
    for (const std::string& k : c.kept) CHECK(out.find(k) != std::string::npos);
  }

  // Without live values the parameter forms alone still clean the URLs.
  Redactor blind;
  CHECK(leak(blind.redact(url4), planted()) == "");
  CHECK(leak(blind.redact(url1), planted()) == "");
  CHECK(leak(blind.redact(url1), {v1.value().signature}) == "");
}

TEST_CASE("redactor: Authorization headers V4, V1, ACS3") {
  Redactor r(kSts);
  auto h4 = sign_v4_header(v4_input(), kSts);
  REQUIRE(h4.ok());
  V1Input in1;
  in1.request = {"PUT", "examplebucket", "nelson", {}, {{"Content-Type", "text/html"}}};
  in1.time = from_unix_seconds(1702743657);
  auto h1 = sign_v1_header(in1, kSts);
  REQUIRE(h1.ok());
  std::string acs3 = "ACS3-HMAC-SHA256 Credential=" + kSts.access_key_id +
                     ",SignedHeaders=host;x-acs-date,Signature="
                     "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

  struct Case {
    const char* name;
    std::string text;
    std::string kept;
    std::string secret;
  } cases[] = {
      {"V4 header line", "Authorization: " + h4.value().authorization + "\nHost: x",
       "Authorization: OSS4-HMAC-SHA256 <redacted>\nHost: x", h4.value().signature},
      {"V1 header line", "authorization: " + h1.value().authorization,
       "authorization: OSS <redacted>", h1.value().signature},
      {"V1 value alone", "sent " + h1.value().authorization + " to server",
       "sent OSS <redacted> to server", h1.value().signature},
      {"ACS3 header line", "Authorization: " + acs3, "Authorization: ACS3-HMAC-SHA256 <redacted>",
       "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"},
      {"ACS3 value alone", acs3,
       "ACS3-HMAC-SHA256 Credential=<redacted>,SignedHeaders=host;x-acs-date,"
       "Signature=<redacted>",
       "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"},
      {"V4 header in JSON", R"({"Authorization":")" + h4.value().authorization + R"(","x":1})",
       R"({"Authorization":"OSS4-HMAC-SHA256 <redacted>","x":1})", h4.value().signature},
      {"STS header", "x-oss-security-token: " + kSts.security_token + "\r\n",
       "x-oss-security-token: <redacted>\r\n", kSts.security_token},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    for (const Redactor* red : std::vector<const Redactor*>{&r, nullptr}) {
      Redactor blind;
      std::string out = (red ? *red : blind).redact(c.text);
      CAPTURE(out);
      CHECK(out == c.kept);
      CHECK(leak(out, planted()) == "");
      CHECK(leak(out, {c.secret}) == "");
    }
  }
}

TEST_CASE("redactor: the live STS token, secret and key id in every encoding") {
  Redactor r(kSts);
  const std::string& t = kSts.security_token;
  std::string pct = percent_encode(t);
  std::string form = replace_all(t, "+", " ");  // a form decoder read `+` as space
  nlohmann::json dumped = {{"token", t}, {"note", "see " + t}};
  std::string unicode = replace_all(replace_all(t, "+", "\\u002B"), "/", "\\u002f");

  std::vector<std::pair<const char*, std::string>> cases = {
      {"raw in prose", "the token " + t + " expired"},
      {"error message", "[oss.InvalidSecurityToken] The security token '" + t + "' is invalid"},
      {"percent upper", "x=" + pct},
      {"percent lower", "x=" + lower_hex(pct)},
      {"percent twice", "x=" + percent_encode(pct)},
      {"mixed", "x=" + lower_hex(pct.substr(0, 10)) + pct.substr(10)},
      {"plus as space", "token " + form},
      {"JSON \\/", replace_all(dumped.dump(), "/", "\\/")},
      {"JSON dump", dumped.dump()},
      {"dump of a dump", nlohmann::json(dumped.dump()).dump()},
      {"JSON \\u00XX", "\"" + unicode + "\""},
      {"secret raw", "secret=" + kSts.access_key_secret + ";"},
      {"secret in a sentence", "bad key " + kSts.access_key_secret + "."},
      {"secret percent", percent_encode(kSts.access_key_secret)},
      {"key id", "user " + kSts.access_key_id + " denied"},
      {"glued to words", "abc" + t + "def"},
  };
  for (const auto& [name, text] : cases) {
    CAPTURE(name);
    std::string out = r.redact(text);
    CAPTURE(out);
    CHECK(leak(out, planted()) == "");
    CHECK(out.find("<redacted>") != std::string::npos);
  }
  CHECK(r.redact("the token " + t + " expired") == "the token <redacted> expired");
  CHECK(r.redact("abc" + t + "def") == "abc<redacted>def");
}

TEST_CASE("redactor: benign text stays intact") {
  Redactor r(kSts);
  Redactor tiny(Credentials{"ak", "sk", ""});  // too short to search as free text
  const char* texts[] = {
      "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/a/b.jpg?x-oss-process=image/resize,w_100",
      "[oss.SignatureDoesNotMatch] The request signature we calculated does not match the "
      "signature you provided.",
      "Signature: does not match",
      "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-date=20231216T162057Z&x-oss-expires=3600",
      "SignatureMethod=HMAC-SHA1&SignatureNonce=15215528852396&SignatureVersion=1.0",
      "Check your AccessKeyId and credentials; see docs/oss-signing.md.",
      "OSS error: NoSuchKey",
      "Make a skeleton; ask the desk",
      "{\"success\":true,\"path\":\"/tmp/out.jpg\",\"size\":123}",
      "",
  };
  for (const char* text : texts) {
    CAPTURE(text);
    CHECK(r.redact(text) == text);
    CHECK(tiny.redact(text) == text);
  }
}

TEST_CASE("redactor: JSON walker redacts values and keys in place") {
  Redactor r(kSts);
  auto v4 = presign_v4(v4_input(), kSts, 600);
  REQUIRE(v4.ok());
  std::string url = std::string(kHost) + "/dir/photo%201.jpg?" + v4.value().query_string;
  nlohmann::json msg = {
      {"jsonrpc", "2.0"},
      {"id", 7},
      {"result",
       {{"content", {{{"type", "text"}, {"text", nlohmann::json({{"url", url}}).dump()}}}},
        {"structuredContent",
         {{"url", url},
          {"size", 42},
          {"x-oss-security-token", "some-other-token-from-elsewhere"},
          {"Authorization", "OSS other:AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
          {"headers", {{kSts.security_token, "key holds the token"}, {"ok", true}}},
          {"list", {kSts.access_key_secret, "plain", nullptr, 1.5}}}}}},
  };
  r.redact_json(msg);
  std::string out = msg.dump();
  CAPTURE(out);
  CHECK(leak(out, planted()) == "");
  CHECK(leak(out, {v4.value().signature, "some-other-token-from-elsewhere",
                   "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}) == "");
  const auto& sc = msg["result"]["structuredContent"];
  CHECK(sc["x-oss-security-token"] == "<redacted>");
  CHECK(sc["Authorization"] == "OSS <redacted>");
  CHECK(sc["headers"].contains("<redacted>"));
  CHECK(sc["headers"]["<redacted>"] == "key holds the token");
  CHECK(sc["headers"]["ok"] == true);
  CHECK(sc["list"] == nlohmann::json({"<redacted>", "plain", nullptr, 1.5}));
  CHECK(sc["size"] == 42);
  CHECK(msg["id"] == 7);
  CHECK(sc["url"].get<std::string>().find("x-oss-date=20231216T162057Z") != std::string::npos);
  CHECK(sc["url"].get<std::string>().find("x-oss-signature=<redacted>") != std::string::npos);
}

TEST_CASE("redactor: credential refresh keeps recent generations, thread-safe") {
  Redactor r(kSts);
  Credentials next{"STS.NTsecondAkId000", "SecondSecret0000000000", "CAISsecond+token/value="};
  r.set_credentials(next);
  CHECK(r.redact("a " + kSts.security_token + " b " + next.security_token) ==
        "a <redacted> b <redacted>");
  for (size_t i = 0; i < Redactor::kGenerations; ++i)
    r.set_credentials(Credentials{"STS.NTrotating" + std::to_string(i) + "xxxx",
                                  "RotatingSecret" + std::to_string(i) + "xxxxxxx", ""});
  // The first set has aged out of the free-text search; the parameter forms still go.
  CHECK(r.redact("a " + kSts.access_key_secret) == "a " + kSts.access_key_secret);
  CHECK(r.redact("x-oss-security-token=" + kSts.security_token) ==
        "x-oss-security-token=<redacted>");
  r.clear();
  CHECK(r.redact("a " + next.access_key_secret) == "a " + next.access_key_secret);

  r.set_credentials(kSts);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i)
      r.set_credentials(
          Credentials{"STS.NTthread" + std::to_string(i) + "xxxx", "ThreadSecretxxxxxxxx", ""});
    stop = true;
  });
  r.add_secret(kSts.security_token);  // stays for good, whatever the rotation
  int bad = 0;
  do {
    if (r.redact("t=" + percent_encode(kSts.security_token)).find("CAIS") != std::string::npos)
      ++bad;
  } while (!stop);
  writer.join();
  CHECK(bad == 0);
  CHECK(r.redact(kSts.security_token) == "<redacted>");
}

TEST_CASE("redactor: log sink redacts formatted messages") {
  auto red = std::make_shared<Redactor>(kSts);
  auto v4 = presign_v4(v4_input(), kSts, 600);
  REQUIRE(v4.ok());
  std::string url = std::string(kHost) + "/k?" + v4.value().query_string;

  std::ostringstream captured;
  auto inner = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto sinks = wrap_sinks({inner}, red);
  auto logger = std::make_shared<spdlog::logger>("redact-test", sinks.begin(), sinks.end());
  logger->set_pattern("%l %v");
  logger->warn("fetch {} failed; token {} secret {}", url, kSts.security_token,
               percent_encode(kSts.access_key_secret));
  logger->info("plain line");
  logger->flush();
  std::string out = captured.str();
  CAPTURE(out);
  CHECK(leak(out, planted()) == "");
  CHECK(leak(out, {v4.value().signature}) == "");
  CHECK(out.find("warning fetch https://examplebucket.oss-cn-hangzhou.aliyuncs.com/k?") == 0);
  CHECK(out.find("info plain line\n") != std::string::npos);
  // A level set on the wrapped sink still filters.
  inner->set_level(spdlog::level::err);
  logger->info("dropped");
  CHECK(captured.str().find("dropped") == std::string::npos);

  // install_redacting_logging wraps the sinks of registered loggers, once.
  std::ostringstream captured2;
  auto plain = std::make_shared<spdlog::logger>(
      "redact-test-2", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured2));
  plain->set_pattern("%v");
  spdlog::register_logger(plain);
  install_redacting_logging(red);
  install_redacting_logging(red);
  REQUIRE(plain->sinks().size() == 1);
  auto wrapped = std::dynamic_pointer_cast<RedactingSink>(plain->sinks()[0]);
  REQUIRE(wrapped);
  CHECK(!std::dynamic_pointer_cast<RedactingSink>(wrapped->inner()));
  plain->error("key {}", kSts.access_key_id);
  plain->flush();
  CHECK(captured2.str() == "key <redacted>\n");
  spdlog::drop("redact-test-2");
}

// tools/list pages skip the redaction hook (src/mcp/server.h ServerOptions::redact): that is only
// sound while the redactor has nothing to remove from the build-time tool entries.
TEST_CASE("redactor: the compiled-in tools/list entries pass unchanged") {
  omm::oss::Redactor r(omm::oss::Credentials{"FAKE-test-key-id", "FAKE-test-secret+/=value",
                                             "STS.planted+token/with=chars"});
  size_t entries = 0;
  for (const auto& file : omm::embedded::tool_listing()) {
    CAPTURE(file.path);
    CHECK(r.redact(file.content) == file.content);
    ++entries;
  }
  CHECK(entries >= 20);
}

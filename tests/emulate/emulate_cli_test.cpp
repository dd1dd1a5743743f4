// The emulator's flags (emulate_cli.h) and its bucket addressing (http_server.h).
#include "emulate/emulate_cli.h"

#include <doctest/doctest.h>

#include "emulate/http_server.h"

using namespace omm::emulate;

namespace {

std::vector<std::string> base_args(std::vector<std::string> extra = {}) {
  std::vector<std::string> a{"--root", "/tmp/r", "--access-key-id", "ak", "--access-key-secret",
                             "sk"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("emulate flags: values and defaults") {
  auto a = parse_emulate_args(
      base_args({"--listen", "127.0.0.1:0", "--region", "oss-cn-beijing", "--fault-5xx", "0.5",
                 "--fault-drop", "0.25", "--fault-drop-after", "1", "--latency-ms", "20", "--seed",
                 "7", "--security-token", "tok"}));
  REQUIRE_MESSAGE(a.ok(), a.status().to_string());
  CHECK(a->emulator.root == "/tmp/r");
  CHECK(a->listen.host == "127.0.0.1");
  CHECK(a->listen.port == 0);
  CHECK(a->emulator.auth.region == "cn-beijing");
  CHECK(a->emulator.auth.credentials.access_key_id == "ak");
  CHECK(a->emulator.auth.credentials.security_token == "tok");
  CHECK(a->faults.error_5xx == 0.5);
  CHECK(a->faults.drop_before == 0.25);
  CHECK(a->faults.drop_after == 1.0);
  CHECK(a->faults.latency_ms == 20);
  CHECK(a->faults.seed == 7);

  auto d = parse_emulate_args(base_args());
  REQUIRE(d.ok());
  CHECK(d->emulator.auth.region == "cn-hangzhou");
  CHECK(d->listen.host == "127.0.0.1");
  CHECK(d->faults.error_5xx == 0.0);

  // --flag=value and the listen forms serve takes.
  auto e =
      parse_emulate_args(base_args({"--listen=[::1]:9000", "--region=cn-shanghai", "--seed=3"}));
  REQUIRE_MESSAGE(e.ok(), e.status().to_string());
  CHECK(e->listen.host == "::1");
  CHECK(e->listen.port == 9000);
  CHECK(e->emulator.auth.region == "cn-shanghai");
  CHECK(e->faults.seed == 3);
  auto f = parse_emulate_args(base_args({"--listen", ":0", "--root=/tmp/other"}));
  REQUIRE_MESSAGE(f.ok(), f.status().to_string());
  CHECK(f->listen.host == "127.0.0.1");
  CHECK(f->emulator.root == "/tmp/other");
}

TEST_CASE("emulate flags: errors name the flag") {
  const struct {
    std::vector<std::string> args;
    const char* id;
  } cases[] = {
      {{"--access-key-id", "ak", "--access-key-secret", "sk"}, "invalid_argument.emulate.root"},
      {base_args({"--fault-5xx", "1.5"}), "invalid_argument.emulate.fault-5xx"},
      {base_args({"--fault-drop", "x"}), "invalid_argument.emulate.fault-drop"},
      {base_args({"--listen", "127.0.0.1"}), "invalid_argument.emulate.listen"},
      {base_args({"--listen", "127.0.0.1:70000"}), "invalid_argument.emulate.listen"},
      {base_args({"--listen=[::1:80"}), "invalid_argument.emulate.listen"},
      {base_args({"--bogus=1"}), "invalid_argument.emulate"},
      {base_args({"--latency-ms", "-1"}), "invalid_argument.emulate.latency-ms"},
      {base_args({"--seed"}), "invalid_argument.emulate.seed"},
      {base_args({"--bogus", "1"}), "invalid_argument.emulate"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.id);
    auto r = parse_emulate_args(c.args);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == c.id);
  }
}

TEST_CASE("emulate addressing: the bucket of a Host header") {
  const struct {
    const char* host;
    const char* bucket;
  } cases[] = {
      {"127.0.0.1:8080", ""},
      {"localhost:8080", ""},
      {"[::1]:8080", ""},
      {"emulator:8080", ""},
      {"oss-cn-hangzhou.aliyuncs.com", ""},
      {"imm.cn-hangzhou.aliyuncs.com", ""},
      {"my-bucket.oss-cn-hangzhou.aliyuncs.com", "my-bucket"},
      {"bkt.localhost:9000", "bkt"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.host);
    CHECK(bucket_from_host(c.host) == c.bucket);
  }
}

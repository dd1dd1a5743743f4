#include "cli/oss_config.h"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

using omm::cli::oss_config;
using omm::cli::OssFlags;

namespace {

omm::cli::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("oss config: a flag wins, then a non-empty environment variable, then the default") {
  const auto env = env_of({{"ALIBABA_CLOUD_OSS_BUCKET", "env-bucket"},
                           {"ALIBABA_CLOUD_OSS_REGION", ""},
                           {"ALIBABA_CLOUD_OSS_ENDPOINT", "http://127.0.0.1:9000"},
                           {"ALIBABA_CLOUD_IMM_PROJECT", "env-project"}});
  OssFlags flags;
  flags.bucket = "flag-bucket";
  auto c = oss_config(flags, env);
  CHECK(c.bucket == "flag-bucket");
  CHECK(c.region == "cn-hangzhou");  // the environment's is empty: the default
  CHECK(c.endpoint == "http://127.0.0.1:9000");
  CHECK(c.imm_endpoint.empty());
  CHECK(c.imm_project == "env-project");
  CHECK(c.signature == "v4");

  flags.region = "cn-beijing";
  flags.imm_project = "";  // given empty (process passes its plan's value through): stays empty
  c = oss_config(flags, env);
  CHECK(c.region == "cn-beijing");
  CHECK(c.imm_project.empty());
}

TEST_CASE("oss config: serve flags that are empty count as not given") {
  omm::cli::ServeArgs args;
  args.bucket = "";
  args.region = "cn-shanghai";
  args.oss_signature = "v1";
  const auto c =
      oss_config(omm::cli::oss_flags(args), env_of({{"ALIBABA_CLOUD_OSS_BUCKET", "env-bucket"}}));
  CHECK(c.bucket == "env-bucket");
  CHECK(c.region == "cn-shanghai");
  CHECK(c.signature == "v1");
}

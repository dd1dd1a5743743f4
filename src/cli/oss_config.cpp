#include "cli/oss_config.h"

namespace omm::cli {

namespace {

std::optional<std::string> given(const std::string& flag) {
  if (flag.empty()) return std::nullopt;
  return flag;
}

// The flag when given, else the environment variable when set and not empty, else `fallback`.
std::string first_of(const std::optional<std::string>& flag, const EnvLookup& env,
                     const char* env_name, const std::string& fallback = "") {
  if (flag) return *flag;
  auto v = env(env_name);
  return v && !v->empty() ? *v : fallback;
}

}  // namespace

OssFlags oss_flags(const ServeArgs& a) {
  OssFlags f;
  f.bucket = given(a.bucket);
  f.region = given(a.region);
  f.endpoint = given(a.endpoint);
  f.imm_endpoint = given(a.imm_endpoint);
  f.imm_project = given(a.imm_project);
  f.signature = a.oss_signature;
  f.reveal_signed_urls = a.reveal_signed_urls;
  f.multipart_threshold = a.multipart_threshold;
  f.state_dir = a.state_dir;
  return f;
}

OssConfig oss_config(const OssFlags& f, const EnvLookup& env) {
  OssConfig c;
  c.bucket = first_of(f.bucket, env, "ALIBABA_CLOUD_OSS_BUCKET");
  c.region = first_of(f.region, env, "ALIBABA_CLOUD_OSS_REGION", "cn-hangzhou");
  c.endpoint = first_of(f.endpoint, env, "ALIBABA_CLOUD_OSS_ENDPOINT");
  c.imm_endpoint = first_of(f.imm_endpoint, env, "ALIBABA_CLOUD_IMM_ENDPOINT");
  c.imm_project = first_of(f.imm_project, env, "ALIBABA_CLOUD_IMM_PROJECT");
  c.signature = f.signature;
  c.reveal_signed_urls = f.reveal_signed_urls;
  c.multipart_threshold = f.multipart_threshold;
  c.state_dir = f.state_dir;
  return c;
}

}  // namespace omm::cli

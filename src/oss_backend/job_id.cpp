#include "oss_backend/job_id.h"

#include <spdlog/fmt/fmt.h>

#include <nlohmann/json.hpp>

#include "core/base64url.h"

namespace omm::oss_backend {

namespace {

constexpr std::string_view kPrefix = "oss-job-";

Status not_found(std::string_view id) {
  std::string shown(id.substr(0, 80));
  return Status::error(
      "job.not_found",
      fmt::format("{} is not a job id of this server (oss job ids start with {})", shown, kPrefix));
}

}  // namespace

std::string task_type_of(std::string_view task_id) {
  size_t dash = task_id.find('-');
  return dash == std::string_view::npos ? std::string() : std::string(task_id.substr(0, dash));
}

std::string encode_job_id(const OssJobRef& ref) {
  nlohmann::json j = {{"y", ref.task_type}, {"i", ref.task_id},    {"p", ref.project},
                      {"b", ref.bucket},    {"k", ref.target_key}, {"t", ref.tool}};
  return std::string(kPrefix) + core::base64url_encode(j.dump());
}

bool is_oss_job_id(std::string_view id) { return id.substr(0, kPrefix.size()) == kPrefix; }

Result<OssJobRef> decode_job_id(std::string_view id) {
  if (!is_oss_job_id(id) || id.size() > 4096) return not_found(id);
  auto text = core::base64url_decode(id.substr(kPrefix.size()));
  if (!text) return not_found(id);
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return not_found(id);
  OssJobRef ref;
  auto field = [&](const char* name, std::string& out) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!field("y", ref.task_type) || !field("i", ref.task_id) || !field("p", ref.project) ||
      !field("b", ref.bucket) || !field("k", ref.target_key) || !field("t", ref.tool) ||
      ref.task_id.empty()) {
    return not_found(id);
  }
  return ref;
}

}  // namespace omm::oss_backend

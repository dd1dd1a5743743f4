// OssExecutor, what has no plan: object_list, object_head, imm_setup, doctor (executor.h).
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/ascii.h"
#include "core/list_token.h"
#include "core/object_key.h"
#include "core/random_id.h"
#include "oss_backend/executor.h"

namespace omm::oss_backend {

namespace fs = std::filesystem;
using nlohmann::json;

Result<json> OssExecutor::head_object(const std::string& key,
                                      const std::optional<std::string>& bucket_arg) {
  const std::string bucket = bucket_arg.value_or(options_.bucket);
  auto info = client_->head_object(key, bucket);
  if (!info.ok()) return info.status();
  json result{{"success", true}, {"backend", "oss"}, {"operations", ""}};
  result["request_id"] = info->request_id;
  result["target_key"] = key;
  result["size"] = info->size;
  result["metadata"] = {{"content_type", info->content_type},
                        {"etag", info->etag},
                        {"last_modified", info->last_modified},
                        {"object_type", info->object_type}};
  return result;
}

Result<json> OssExecutor::list_objects(const core::ObjectListRequest& request) {
  const std::string bucket = request.bucket.value_or(options_.bucket);
  oss::ListOptions lo;
  lo.prefix = request.prefix;
  lo.delimiter = request.delimiter;
  if (!request.continuation_token.empty()) {
    auto position = core::decode_list_token(core::ListBackend::kOss, request.continuation_token);
    if (!position.ok()) return position.status();
    lo.continuation_token = std::move(*position);
  }
  lo.max_keys = request.max_keys;
  auto page = client_->list_objects_v2(lo, bucket);
  if (!page.ok()) return page.status();
  json objects = json::array();
  for (const auto& o : page->objects) {
    // The server's own areas (temporary uploads) are not listed, as on the local backend.
    if (core::is_reserved_key(o.key)) continue;
    objects.push_back(
        {{"key", o.key}, {"size", o.size}, {"last_modified", o.last_modified}, {"etag", o.etag}});
  }
  json prefixes = json::array();
  for (const auto& p : page->common_prefixes) {
    if (!core::is_reserved_key(p)) prefixes.push_back(p);
  }
  json result{{"success", true}, {"backend", "oss"}, {"operations", ""}};
  result["request_id"] = page->request_id;
  result["data"] = {
      {"objects", objects}, {"common_prefixes", prefixes}, {"is_truncated", page->truncated}};
  if (page->truncated) {
    result["data"]["next_continuation_token"] =
        core::encode_list_token(core::ListBackend::kOss, page->next_continuation_token);
  }
  return result;
}

Result<json> OssExecutor::imm_setup(const json& args) {
  const std::string bucket = args.value("bucket", options_.bucket);
  std::string name = args.value("project", options_.imm_project);
  if (name.empty()) name = "oss-media-" + to_lower(bucket);
  // The attachment first: a bucket attached to another project is refused before anything is
  // created.
  auto current = imm_->get_oss_bucket_attachment(bucket);
  if (current.ok() && *current != name) {
    return Status::error("imm.bucket_attached_elsewhere",
                         fmt::format("the bucket {} is attached to the IMM project {}, not {}; "
                                     "pass project: \"{}\" or detach it in the console",
                                     bucket, *current, name, *current));
  }
  bool created = false;
  auto existing = imm_->get_project(name);
  if (!existing.ok()) {
    if (existing.status().id() != "imm.ResourceNotFound" &&
        existing.status().id() != "imm.InvalidArgument.ResourceNotFound" &&
        existing.status().id().find("NotFound") == std::string::npos) {
      return existing.status();
    }
    auto made = imm_->create_project(name);
    if (!made.ok()) return made.status();
    created = true;
  }
  bool attached = false;
  if (!current.ok()) {
    auto a = imm_->attach_oss_bucket(name, bucket);
    if (!a.ok()) return a.status();
    attached = true;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    projects_[bucket] = name;
  }
  json result{{"success", true}, {"backend", "oss"}, {"operations", ""}, {"request_id", ""}};
  result["data"] = {{"project", name},
                    {"bucket", bucket},
                    {"project_created", created},
                    {"bucket_attached", attached}};
  return result;
}

Result<json> OssExecutor::doctor() {
  json checks = json::array();
  bool all_ok = true;
  auto add = [&](const std::string& name, bool ok, const std::string& detail) {
    checks.push_back({{"name", name}, {"ok", ok}, {"detail", detail}});
    all_ok = all_ok && ok;
  };
  auto creds = credentials_();
  std::string source = options_.credential_source_name ? options_.credential_source_name() : "";
  add("credentials", creds.ok(),
      creds.ok() ? fmt::format("{} credentials from {}",
                               creds->has_token() ? "temporary (STS)" : "long-term",
                               source.empty() ? std::string("the configured source") : source)
                 : creds.status().to_string());
  if (creds.ok()) {
    oss::ListOptions lo;
    lo.max_keys = 1;
    auto listed = client_->list_objects_v2(lo, options_.bucket);
    add("oss.list", listed.ok(),
        listed.ok() ? "the bucket answers ListObjectsV2" : listed.status().to_string());
    // The probe object is journaled like a staged source: a PUT that failed after acting or a
    // failed DELETE leaves it to drain_cleanup.
    const TempObject probe{options_.bucket, options_.temp_prefix + "doctor-" + random_hex(8)};
    const bool journaled = journal_.add(probe).is_ok();
    auto put = client_->put_object_data(probe.key, "doctor", {}, options_.bucket);
    add("oss.write", put.ok(), put.ok() ? "PutObject allowed" : put.status().to_string());
    auto del = client_->delete_object(probe.key, options_.bucket);
    if (put.ok()) {
      add("oss.delete", del.ok(), del.ok() ? "DeleteObject allowed" : del.status().to_string());
    }
    if (del.ok() && journaled) (void)journal_.remove(probe);
    auto proj = project(options_.bucket);
    add("imm.project", proj.ok(), proj.ok() ? "IMM project " + *proj : proj.status().to_string());
  }
  json data{{"backend", "oss"},
            {"ok", all_ok},
            {"bucket", options_.bucket},
            {"region", options_.region},
            {"endpoint", client_->endpoint().scheme + "://" + client_->endpoint().host},
            {"imm_endpoint", imm_->endpoint_url()},
            {"reveal_signed_urls", options_.reveal_signed_urls},
            {"cleanup_pending", journal_.entries().size()},
            {"checks", checks}};
  return json{{"success", true},
              {"backend", "oss"},
              {"operations", ""},
              {"request_id", ""},
              {"data", data}};
}

}  // namespace omm::oss_backend

// OssClient data processing (oss_protocol.md §3.3–§3.5): POST x-oss-process with sys/saveas,
// POST x-oss-async-process, and the locally computed V4-presigned GET URL.
#include <nlohmann/json.hpp>

#include "oss/oss_client.h"
#include "oss/signer_v4.h"

namespace omm::oss {
namespace {

std::string json_string(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<SaveAsResult> OssClient::process_save(std::string_view key, std::string_view process_string,
                                             std::string_view bucket) {
  OssRequest r;
  r.operation = "ProcessObject";
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"x-oss-process", ""}};
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "x-oss-process=" + std::string(process_string);
  // Retried like a PUT: the saved object is fully determined by the source, the process string
  // and the target, so running it twice leaves the same object (GO2 retries it too).
  r.idempotent = true;
  auto resp = execute(r);
  if (!resp) return resp.status();
  SaveAsResult out;
  out.request_id = resp->request_id;
  out.raw = resp->body;
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object()) {
    return Status::error(
        "oss.response", "ProcessObject " + bucket_or_default(bucket) + "/" + std::string(key) +
                            ": the answer is not a JSON object (RequestId " + out.request_id + ")");
  }
  out.bucket = json_string(j, "bucket");
  out.object = json_string(j, "object");
  out.status = json_string(j, "status");
  if (auto it = j.find("fileSize"); it != j.end() && it->is_number_unsigned()) {
    out.file_size = it->get<uint64_t>();
  }
  return out;
}

Result<AsyncTask> OssClient::async_process(std::string_view key, std::string_view process_string,
                                           std::string_view bucket) {
  OssRequest r;
  r.operation = "AsyncProcessObject";
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"x-oss-async-process", ""}};
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "x-oss-async-process=" + std::string(process_string);
  r.idempotent = false;
  auto resp = execute(r);
  if (!resp) return resp.status();
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  AsyncTask out;
  if (j.is_object()) {
    out.task_id = json_string(j, "TaskId");
    out.event_id = json_string(j, "EventId");
    out.request_id = json_string(j, "RequestId");
  }
  if (out.request_id.empty()) out.request_id = resp->request_id;
  if (out.task_id.empty()) {
    return Status::error(
        "oss.response", "AsyncProcessObject " + bucket_or_default(bucket) + "/" + std::string(key) +
                            ": no TaskId in the answer (RequestId " + out.request_id + ")");
  }
  return out;
}

Result<std::string> OssClient::presign_get(std::string_view key, int64_t expires_seconds,
                                           std::string_view process, std::string_view bucket) {
  auto creds = credentials_();
  if (!creds) return creds.status();
  V4Input in;
  in.request.method = "GET";
  in.request.bucket = bucket_or_default(bucket);
  in.request.key = std::string(key);
  if (!process.empty()) in.request.query = {{"x-oss-process", std::string(process)}};
  in.region = options_.region;
  in.time = skew_.now();
  auto s = presign_v4(in, *creds, expires_seconds);
  if (!s) return s.status();
  return oss_url(endpoint_, in.request.bucket, key, s->query_string);
}

}  // namespace omm::oss

#include "oss/imm_client.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/random_id.h"
#include "oss/hash.h"
#include "oss/oss_endpoint.h"
#include "oss/percent_encode.h"
#include "oss/service_error.h"
#include "oss/signer_acs3.h"

namespace omm::oss {
namespace {

std::string make_nonce() { return random_hex(16); }

// `k=v` pairs, RFC 3986 encoded, '=' kept for empty values (as the ACS3 canonical query).
std::string wire_query(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

std::string str(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  return {};
}

int integer(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

ImmProject project_of(const nlohmann::json& j) {
  ImmProject p;
  p.request_id = str(j, "RequestId");
  if (auto it = j.find("Project"); it != j.end() && it->is_object()) {
    p.name = str(*it, "ProjectName");
    p.service_role = str(*it, "ServiceRole");
    p.template_id = str(*it, "TemplateId");
  }
  return p;
}

}  // namespace

Result<std::unique_ptr<ImmClient>> ImmClient::create(ImmClientOptions options,
                                                     CredentialSource credentials, HttpClient& http,
                                                     const Clock& clock) {
  std::string scheme = "https";
  std::string host;
  if (options.endpoint.empty()) {
    if (!valid_region(options.region)) {
      return Status::error(
          "imm.config.region",
          "region must be a region id like cn-hangzhou, got '" + options.region + "'");
    }
    host = "imm." + options.region + ".aliyuncs.com";
  } else {
    // The same forms as an OSS endpoint; the addressing style does not apply.
    auto ep = resolve_oss_endpoint(options.region, options.endpoint, false, Addressing::kPath);
    if (!ep) {
      return Status::error("imm.config.endpoint",
                           "IMM endpoint must be host[:port] with an optional http:// or "
                           "https://, got '" +
                               options.endpoint + "'");
    }
    scheme = ep->scheme;
    host = ep->host;
  }
  if (options.retry.max_attempts < 1) options.retry.max_attempts = 1;
  return std::unique_ptr<ImmClient>(new ImmClient(
      std::move(options), std::move(scheme), std::move(host), std::move(credentials), http, clock));
}

ImmClient::ImmClient(ImmClientOptions options, std::string scheme, std::string host,
                     CredentialSource credentials, HttpClient& http, const Clock& clock)
    : options_(std::move(options)),
      scheme_(std::move(scheme)),
      host_(std::move(host)),
      base_url_(scheme_ + "://" + host_),
      credentials_(std::move(credentials)),
      http_(http),
      skew_(clock) {}

Result<nlohmann::json> ImmClient::call(std::string_view action, const Params& params,
                                       bool idempotent) {
  const std::string name(action);
  Status last;
  for (int attempt = 1; attempt <= options_.retry.max_attempts; ++attempt) {
    if (attempt > 1) {
      auto delay = jittered_delay(options_.retry, attempt - 1);
      spdlog::debug("imm {}: attempt {} of {} in {} ms after {}", name, attempt,
                    options_.retry.max_attempts, delay.count(), last.id());
      std::this_thread::sleep_for(delay);
    }
    auto creds = credentials_();
    if (!creds) return creds.status();
    PopRequest req;
    req.method = "POST";
    req.host = host_;
    req.action = name;
    req.version = std::string(kImmVersion);
    req.query = params;
    req.headers = {{"accept", "application/json"}};
    req.time = skew_.now();
    req.nonce = make_nonce();
    auto signed_req = sign_pop_v3(req, *creds);
    if (!signed_req) return signed_req.status();

    Exchange ex;
    ex.method = "POST";
    ex.url = base_url_ + "/";
    if (!params.empty()) ex.url += "?" + wire_query(params);
    ex.headers = signed_req->headers;
    ex.timeouts = options_.timeouts;
    ex.reuse_connection = idempotent;
    auto reply = http_.send(ex);
    if (!reply) {
      const Status& t = reply.status();
      last = network_status("imm", t);
      if (last.id() == "imm.network") last = Status::error(last.id(), name + " " + last.message());
      if (is_retryable_transport(t, idempotent)) continue;
      return last;
    }
    const SignTime local = skew_.clock().now();
    const std::string date = find_header(reply->headers, "date").value_or("");
    const std::string request_id = response_request_id(reply->headers);
    spdlog::debug("imm {} -> HTTP {} ({})", name, reply->status, request_id);
    if (reply->status >= 200 && reply->status < 300) {
      skew_.observe(date, local, false);
      auto j = nlohmann::json::parse(reply->body, nullptr, false);
      if (!j.is_object()) {
        return Status::error("imm.response", name + ": the answer is not a JSON object (HTTP " +
                                                 std::to_string(reply->status) + ")");
      }
      return j;
    }
    const ServiceError err = parse_pop_error(reply->status, reply->headers, reply->body);
    last = service_status("imm", err, name);
    if (is_skew_code(err.code)) {
      skew_.observe(date, local, true);
      spdlog::info("imm: {} — server clock differs by {} s; retrying with the corrected time",
                   err.code, skew_.offset().count());
      continue;
    }
    const bool retryable =
        is_retryable_http_status(err.http_status) || is_retryable_service_code(err.code);
    if (!(retryable && (idempotent || is_refused_before_acting(err.http_status)))) return last;
  }
  return last;
}

Result<ImmTask> ImmClient::get_task(std::string_view project, std::string_view task_type,
                                    std::string_view task_id) {
  auto j = call("GetTask",
                {{"ProjectName", std::string(project)},
                 {"TaskType", std::string(task_type)},
                 {"TaskId", std::string(task_id)}},
                true);
  if (!j) return j.status();
  ImmTask t;
  t.project_name = str(*j, "ProjectName");
  t.task_id = str(*j, "TaskId");
  t.task_type = str(*j, "TaskType");
  t.status = str(*j, "Status");
  t.progress = integer(*j, "Progress");
  t.code = str(*j, "Code");
  t.message = str(*j, "Message");
  t.start_time = str(*j, "StartTime");
  t.end_time = str(*j, "EndTime");
  t.request_id = str(*j, "RequestId");
  return t;
}

Result<ImmProject> ImmClient::create_project(std::string_view name, std::string_view service_role,
                                             std::string_view template_id) {
  Params p = {{"ProjectName", std::string(name)}};
  if (!service_role.empty()) p.emplace_back("ServiceRole", std::string(service_role));
  if (!template_id.empty()) p.emplace_back("TemplateId", std::string(template_id));
  auto j = call("CreateProject", p);
  if (!j) return j.status();
  return project_of(*j);
}

Result<ImmProject> ImmClient::get_project(std::string_view name) {
  auto j = call("GetProject", {{"ProjectName", std::string(name)}}, true);
  if (!j) return j.status();
  return project_of(*j);
}

Result<std::string> ImmClient::attach_oss_bucket(std::string_view project, std::string_view bucket,
                                                 std::string_view description) {
  Params p = {{"ProjectName", std::string(project)}, {"OSSBucket", std::string(bucket)}};
  if (!description.empty()) p.emplace_back("Description", std::string(description));
  auto j = call("AttachOSSBucket", p);
  if (!j) return j.status();
  return str(*j, "RequestId");
}

Result<std::string> ImmClient::get_oss_bucket_attachment(std::string_view bucket) {
  auto j = call("GetOSSBucketAttachment", {{"OSSBucket", std::string(bucket)}}, true);
  if (!j) return j.status();
  std::string project = str(*j, "ProjectName");
  if (project.empty()) {
    return Status::error(
        "imm.response", "GetOSSBucketAttachment: no ProjectName for bucket " + std::string(bucket));
  }
  return project;
}

Result<ImmTaskRef> ImmClient::create_decode_blind_watermark_task(std::string_view project,
                                                                 std::string_view source_uri,
                                                                 std::string_view strength_level,
                                                                 std::string_view watermark_type) {
  Params p = {{"ProjectName", std::string(project)}, {"SourceURI", std::string(source_uri)}};
  if (!watermark_type.empty()) p.emplace_back("WatermarkType", std::string(watermark_type));
  if (!strength_level.empty()) p.emplace_back("StrengthLevel", std::string(strength_level));
  auto j = call("CreateDecodeBlindWatermarkTask", p);
  if (!j) return j.status();
  ImmTaskRef t;
  t.task_id = str(*j, "TaskId");
  t.event_id = str(*j, "EventId");
  t.request_id = str(*j, "RequestId");
  if (t.task_id.empty()) {
    return Status::error("imm.response", "CreateDecodeBlindWatermarkTask: no TaskId in the answer");
  }
  return t;
}

Result<ImmWatermarkResult> ImmClient::get_decode_blind_watermark_result(std::string_view project,
                                                                        std::string_view task_id) {
  auto j = call("GetDecodeBlindWatermarkResult",
                {{"ProjectName", std::string(project)},
                 {"TaskId", std::string(task_id)},
                 {"TaskType", "DecodeBlindWatermark"}},
                true);
  if (!j) return j.status();
  ImmWatermarkResult r;
  r.status = str(*j, "Status");
  r.content = str(*j, "Content");
  r.code = str(*j, "Code");
  r.message = str(*j, "Message");
  r.request_id = str(*j, "RequestId");
  return r;
}

}  // namespace omm::oss

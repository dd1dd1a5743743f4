// The IMM OpenAPI client (oss_protocol.md §5): RPC-style POST / with every parameter in the query,
// signed ACS3-HMAC-SHA256 (signer_acs3.h sign_pop_v3), version 2020-09-30, JSON answers.
// Endpoint: `https://imm.<region>.aliyuncs.com`, or a custom one (`host[:port]` or
// `scheme://host[:port]`, from --imm-endpoint / ALIBABA_CLOUD_IMM_ENDPOINT).
//
// call() is the generic form; the typed helpers cover what the product needs (async task
// status, project setup and binding, blind-watermark extraction). Structured parameters
// (Notification, Tag, ...) go as one JSON-string value, as the SDK sends them.
//
// Errors: [imm.<Code>] from the JSON error body ("GetTask: The specified resource project is not
// found. (HTTP 404, RequestId …)"), [imm.network] for transport failures, [imm.response] for an
// unreadable 2xx answer, [imm.config.*] from create(), [oss.sign.*], [credentials.*].
// Retries as retry.h says: read actions (Get*, List*) are idempotent; Create* and Attach* are
// retried only when nothing reached the server or the server refused the clock (the skew is then
// learned, as in the OSS client). Logs name the action and the request id, never a credential
// or signature. Thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "oss/clock_skew.h"
#include "oss/credential_source.h"
#include "oss/http_client.h"
#include "oss/retry.h"

namespace omm::oss {

inline constexpr std::string_view kImmVersion = "2020-09-30";

struct ImmClientOptions {
  std::string region;    // "cn-hangzhou"
  std::string endpoint;  // custom; empty: imm.<region>.aliyuncs.com over https
  Timeouts timeouts;
  RetryPolicy retry;
};

struct ImmTask {
  std::string project_name;
  std::string task_id;
  std::string task_type;
  std::string status;  // Running | Succeeded | Failed (IMM's words)
  int progress = 0;    // 0..100
  std::string code;    // set on failure
  std::string message;
  std::string start_time;
  std::string end_time;
  std::string request_id;
};

struct ImmTaskRef {
  std::string task_id;  // "DecodeBlindWatermark-…"
  std::string event_id;
  std::string request_id;
};

struct ImmProject {
  std::string name;
  std::string service_role;
  std::string template_id;
  std::string request_id;
};

struct ImmWatermarkResult {
  std::string status;   // Running | Succeeded | Failed
  std::string content;  // the extracted text when Succeeded
  std::string code;
  std::string message;
  std::string request_id;
};

class ImmClient {
 public:
  // [imm.config.region] / [imm.config.endpoint] for unusable options.
  static Result<std::unique_ptr<ImmClient>> create(ImmClientOptions options,
                                                   CredentialSource credentials, HttpClient& http,
                                                   const Clock& clock);

  // "https://imm.cn-hangzhou.aliyuncs.com" or the custom endpoint (no trailing '/').
  const std::string& endpoint_url() const { return base_url_; }
  const ClockSkew& skew() const { return skew_; }

  // One action; `params` are the action's own (decoded). The whole JSON answer on success.
  Result<nlohmann::json> call(std::string_view action, const Params& params,
                              bool idempotent = false);

  Result<ImmTask> get_task(std::string_view project, std::string_view task_type,
                           std::string_view task_id);
  // ServiceRole defaults to AliyunIMMDefaultRole; TemplateId is sent only when not empty.
  Result<ImmProject> create_project(std::string_view name,
                                    std::string_view service_role = "AliyunIMMDefaultRole",
                                    std::string_view template_id = {});
  Result<ImmProject> get_project(std::string_view name);
  // Returns the request id.
  Result<std::string> attach_oss_bucket(std::string_view project, std::string_view bucket,
                                        std::string_view description = {});
  // The project a bucket is bound to (GetOSSBucketAttachment's ProjectName).
  Result<std::string> get_oss_bucket_attachment(std::string_view bucket);
  // SourceURI "oss://bucket/key"; StrengthLevel low | medium | high; WatermarkType text.
  Result<ImmTaskRef> create_decode_blind_watermark_task(std::string_view project,
                                                        std::string_view source_uri,
                                                        std::string_view strength_level = {},
                                                        std::string_view watermark_type = "text");
  Result<ImmWatermarkResult> get_decode_blind_watermark_result(std::string_view project,
                                                               std::string_view task_id);

 private:
  ImmClient(ImmClientOptions options, std::string scheme, std::string host,
            CredentialSource credentials, HttpClient& http, const Clock& clock);

  ImmClientOptions options_;
  std::string scheme_;
  std::string host_;  // host[:port], also the signed host header
  std::string base_url_;
  CredentialSource credentials_;
  HttpClient& http_;
  ClockSkew skew_;
};

}  // namespace omm::oss

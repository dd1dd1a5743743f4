// The OSS REST client of the oss backend (oss_protocol.md §1–§4): requests signed with the
// existing signers (V4 by default, V1 when configured), sent through an HttpClient, with
// retries, clock-skew correction, CRC-64 checks and the error mapping of service_error.h.
//
// Endpoint and addressing: oss_endpoint.h (public or internal endpoint of the region, or a
// custom one; virtual-hosted, or path-style for IP/localhost endpoints). Credentials come from
// the injected CredentialSource at every attempt (the chain caches and refreshes); a failure
// there is returned as is, never retried here.
//
// Errors: [oss.<Code>] for a service error ("GetObject bucket/key: The specified key does not
// exist. (HTTP 404, RequestId …)"), [oss.network] for transport failures, [oss.crc64.mismatch]
// when the x-oss-hash-crc64ecma of the answer differs from the CRC of what was sent or received,
// [oss.local_io] for local files, [cancelled] when the caller's cancelled() said so,
// [oss.config.*] from create(), [oss.response] for an
// unreadable 2xx answer, [oss.sign.*] from the signers, [credentials.*] from the source.
// Retries (retry.h): idempotent requests (GET, HEAD, PUT, DELETE, UploadPart) on transport
// failures, 5xx/408/429, throttling, skew and CRC mismatches; POSTs (InitiateMultipartUpload,
// CompleteMultipartUpload, x-oss-process saveas, x-oss-async-process) only when the connection
// failed before anything was sent or the server refused the clock. A request body is a string
// or a file slice, re-read from the start on every attempt; a streamed response restarts its
// sink. After the last attempt the last error is returned.
//
// Logging: spdlog debug lines name the operation, bucket, key, status and request id; never a
// credential, a signature, an Authorization value or a signed URL.
// Thread-safety: every method may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "oss/clock_skew.h"
#include "oss/credential_source.h"
#include "oss/http_client.h"
#include "oss/oss_endpoint.h"
#include "oss/retry.h"

namespace omm::oss {

enum class SignatureVersion { kV4, kV1 };

struct OssClientOptions {
  std::string region;     // "cn-hangzhou"; also the V4 signing region (required)
  std::string bucket;     // the default bucket of every call
  std::string endpoint;   // custom endpoint; empty: from region (and `internal`)
  bool internal = false;  // oss-<region>-internal.aliyuncs.com
  Addressing addressing = Addressing::kAuto;
  SignatureVersion signature = SignatureVersion::kV4;
  Timeouts timeouts;                           // connect 10 s, read 60 s
  RetryPolicy retry;                           // 3 attempts, 200 ms base, 20 s cap
  uint64_t multipart_threshold = 64ull << 20;  // put_object uses multipart above this size
  uint64_t part_size = 8ull << 20;             // raised when a file would need > 10000 parts
  int part_threads = 4;                        // parts uploaded in parallel
};

// A low-level request, for operations this header does not wrap.
struct OssRequest {
  std::string method;  // GET HEAD PUT POST DELETE
  std::string bucket;  // empty: the default bucket
  std::string key;     // empty: a bucket-level call
  Params query;        // decoded; {"uploads", ""} is a bare `uploads`
  Params headers;      // signed as given; set Content-Type whenever there is a body
  std::string body;
  std::optional<FileBody> file;                                 // the body from a file instead
  bool idempotent = true;                                       // false: see the retry rules above
  enum class Crc { kNone, kSent, kReceived } crc = Crc::kNone;  // what to check the header against
  // A 2xx body goes to `sink` instead of OssResponse::body; `restart` (required with a sink)
  // runs before every attempt and must reset what the sink wrote.
  BodySink sink;
  std::function<Status()> restart;
  std::string operation = "request";  // "GetObject", names the call in messages and logs
  std::function<bool()> cancelled;    // optional: true stops the call with [cancelled]
};

struct OssResponse {
  int status = 0;
  Params headers;
  std::string body;  // empty when streamed to a sink
  uint64_t body_size = 0;
  std::string request_id;  // x-oss-request-id
  uint64_t crc64 = 0;      // of what was sent (kSent) or received (kReceived)
};

struct PutOptions {
  std::string content_type;  // empty: not sent (OSS picks application/octet-stream)
  Params headers;            // x-oss-meta-*, x-oss-forbid-overwrite, x-oss-object-acl, ...
  // Optional: true stops the transfer with [cancelled] (a multipart upload is then aborted).
  std::function<bool()> cancelled;
};

struct PutResult {
  std::string etag;  // as OSS returns it (quoted)
  std::string request_id;
  std::string version_id;
  uint64_t size = 0;
  uint64_t crc64 = 0;  // verified against x-oss-hash-crc64ecma when the answer carries it
  bool multipart = false;
  std::string upload_id;  // multipart only
};

struct GetOptions {
  // Range: bytes first..last (inclusive); last nullopt means to the end. No CRC check then.
  std::optional<std::pair<uint64_t, std::optional<uint64_t>>> range;
  std::string process;  // x-oss-process, e.g. "image/resize,w_100" (no CRC check either)
  std::function<bool()> cancelled;  // optional: true stops the transfer with [cancelled]
};

struct GetResult {
  std::string path;  // the target, written completely
  uint64_t size = 0;
  int status = 0;  // 200, or 206 for a range
  std::string content_type;
  std::string etag;
  std::string request_id;
  Params headers;
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string content_type;
  std::string etag;
  std::string last_modified;  // as sent ("Fri, 24 Feb 2012 06:07:48 GMT")
  std::string object_type;    // Normal | Multipart | Appendable
  std::string storage_class;
  std::string crc64;  // decimal, as in x-oss-hash-crc64ecma; may be empty
  Params metadata;    // x-oss-meta-* headers, names lowercased with the prefix kept
  std::string request_id;
  Params headers;
};

struct ListOptions {
  std::string prefix;
  std::string delimiter;
  std::string continuation_token;
  std::string start_after;
  int max_keys = 0;  // 0: the service's default (100); at most 1000
};

struct ObjectSummary {
  std::string key;
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;  // "2020-06-22T11:42:32.000Z"
  std::string storage_class;
  std::string type;
};

struct ListResult {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;  // pass back as ListOptions::continuation_token
  std::string request_id;
};

struct PartResult {
  int part_number = 0;
  std::string etag;
  uint64_t size = 0;
  uint64_t crc64 = 0;
};

struct MultipartUpload {
  std::string key;
  std::string upload_id;
  std::string initiated;
};

struct ListUploadsResult {
  std::vector<MultipartUpload> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
  std::string request_id;
};

// The answer of POST x-oss-process with sys/saveas (§3.4).
struct SaveAsResult {
  std::string bucket;
  std::string object;
  uint64_t file_size = 0;
  std::string status;  // "OK"
  std::string request_id;
  std::string raw;  // the JSON body as received
};

// The answer of POST x-oss-async-process (§3.5).
struct AsyncTask {
  std::string task_id;  // "MediaConvert-…": the IMM task type is the part before the first '-'
  std::string event_id;
  std::string request_id;
};

class OssClient {
 public:
  // [oss.config.region] / [oss.config.endpoint] / [oss.config.bucket] for unusable options.
  static Result<std::unique_ptr<OssClient>> create(OssClientOptions options,
                                                   CredentialSource credentials, HttpClient& http,
                                                   const Clock& clock);

  const OssClientOptions& options() const { return options_; }
  const OssEndpoint& endpoint() const { return endpoint_; }
  const ClockSkew& skew() const { return skew_; }

  // Signs, sends, retries and maps errors; a non-2xx answer is an error Status.
  Result<OssResponse> execute(const OssRequest& request);

  // PutObject from a file, streamed; multipart (parallel parts) above multipart_threshold, and
  // then aborted on any failure.
  Result<PutResult> put_object(std::string_view key, const std::string& path,
                               const PutOptions& options = {}, std::string_view bucket = {});
  // PutObject of a small in-memory body.
  Result<PutResult> put_object_data(std::string_view key, std::string data,
                                    const PutOptions& options = {}, std::string_view bucket = {});
  // GetObject into `path`: streamed to a temporary name in the same directory, renamed over
  // `path` when complete and verified; nothing is left behind on failure.
  Result<GetResult> get_object_to_file(std::string_view key, const std::string& path,
                                       const GetOptions& options = {},
                                       std::string_view bucket = {});
  Result<ObjectInfo> head_object(std::string_view key, std::string_view bucket = {});
  // Returns the request id. Deleting a missing key succeeds (204).
  Result<std::string> delete_object(std::string_view key, std::string_view bucket = {});
  Result<ListResult> list_objects_v2(const ListOptions& options, std::string_view bucket = {});
  // CopyObject within a bucket (or from `source_bucket`) — objects up to 1 GB.
  Result<PutResult> copy_object(std::string_view source_key, std::string_view target_key,
                                std::string_view source_bucket = {}, std::string_view bucket = {});

  // Multipart steps (put_object drives them).
  Result<std::string> initiate_multipart(std::string_view key, const PutOptions& options = {},
                                         std::string_view bucket = {});
  Result<PartResult> upload_part(std::string_view key, std::string_view upload_id, int part_number,
                                 const FileBody& part, std::string_view bucket = {},
                                 std::function<bool()> cancelled = nullptr);
  // Parts in ascending part-number order; checks the object CRC (the parts' combined) when the
  // answer carries one.
  Result<PutResult> complete_multipart(std::string_view key, std::string_view upload_id,
                                       const std::vector<PartResult>& parts,
                                       std::string_view bucket = {});
  Status abort_multipart(std::string_view key, std::string_view upload_id,
                         std::string_view bucket = {});
  Result<ListUploadsResult> list_multipart_uploads(std::string_view prefix,
                                                   std::string_view key_marker = {},
                                                   std::string_view upload_id_marker = {},
                                                   std::string_view bucket = {});

  // GET with x-oss-process into a file (as get_object_to_file).
  Result<GetResult> process_to_file(std::string_view key, std::string_view process,
                                    const std::string& path, std::string_view bucket = {});
  // POST ?x-oss-process with body "x-oss-process=<process_string>"; the string carries its
  // "|sys/saveas,o_…[,b_…]" suffix (core::render_process_string).
  Result<SaveAsResult> process_save(std::string_view key, std::string_view process_string,
                                    std::string_view bucket = {});
  // POST ?x-oss-async-process with body "x-oss-async-process=<process_string>" (saveas and
  // optional notify included by the caller).
  Result<AsyncTask> async_process(std::string_view key, std::string_view process_string,
                                  std::string_view bucket = {});

  // A V4-presigned GET URL (computed locally, no request), valid `expires_seconds`
  // (1..604800) from the skew-corrected now, with an optional x-oss-process. The URL carries a
  // signature (and an STS token): it goes through the redaction rules of DESIGN.md.
  Result<std::string> presign_get(std::string_view key, int64_t expires_seconds,
                                  std::string_view process = {}, std::string_view bucket = {});

 private:
  OssClient(OssClientOptions options, OssEndpoint endpoint, CredentialSource credentials,
            HttpClient& http, const Clock& clock);
  std::string bucket_or_default(std::string_view bucket) const;
  // After a failed InitiateMultipartUpload: aborts the uploads of exactly `key` begun since
  // `since` (server clock), which a lost answer may have created.
  void abort_orphan_uploads(std::string_view key, SignTime since, const std::string& bucket);
  Result<PutResult> put_multipart(std::string_view key, const std::string& path, uint64_t size,
                                  const PutOptions& options, const std::string& bucket);

  OssClientOptions options_;
  OssEndpoint endpoint_;
  CredentialSource credentials_;
  HttpClient& http_;
  ClockSkew skew_;
};

}  // namespace omm::oss

// OssClient: construction, the signed and retried request core, and the small object calls
// (head, delete, list, copy, in-memory put). Transfers of files are in oss_transfer.cpp, data
// processing and presigning in oss_process.cpp.
#include "oss/oss_client.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "oss/crc64.h"
#include "oss/oss_xml.h"
#include "oss/percent_encode.h"
#include "oss/service_error.h"
#include "oss/signer_v1.h"
#include "oss/signer_v4.h"

namespace omm::oss {
namespace {

// The signed headers and query string of one attempt.
struct Signed {
  Params headers;
  std::string query_string;
};

Result<Signed> sign(const OssClientOptions& o, const SignRequest& req, const Credentials& creds,
                    SignTime time) {
  Signed out;
  if (o.signature == SignatureVersion::kV1) {
    V1Input in;
    in.request = req;
    in.time = time;
    auto s = sign_v1_header(in, creds);
    if (!s) return s.status();
    out.headers = std::move(s->headers);
    out.query_string = std::move(s->query_string);
  } else {
    V4Input in;
    in.request = req;
    in.region = o.region;
    in.time = time;
    auto s = sign_v4_header(in, creds);
    if (!s) return s.status();
    out.headers = std::move(s->headers);
    out.query_string = std::move(s->query_string);
  }
  return out;
}

std::string context_of(const OssRequest& r, const std::string& bucket) {
  return r.operation + " " + bucket + (r.key.empty() ? "" : "/" + r.key);
}

// Form-style URL decoding of list answers with encoding-type=url ('+' is a space).
std::string url_decoded(const std::string& s) {
  std::string plus = s;
  for (char& c : plus) {
    if (c == '+') c = ' ';
  }
  return percent_decode(plus).value_or(s);
}

uint64_t to_u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }

}  // namespace

Result<std::unique_ptr<OssClient>> OssClient::create(OssClientOptions options,
                                                     CredentialSource credentials, HttpClient& http,
                                                     const Clock& clock) {
  if (!valid_region(options.region)) {
    return Status::error("oss.config.region", "region must be a region id like cn-hangzhou, got '" +
                                                  options.region + "'");
  }
  if (options.bucket.empty()) {
    return Status::error("oss.config.bucket", "no bucket configured (--bucket)");
  }
  auto ep =
      resolve_oss_endpoint(options.region, options.endpoint, options.internal, options.addressing);
  if (!ep) return ep.status();
  if (options.retry.max_attempts < 1) options.retry.max_attempts = 1;
  if (options.part_threads < 1) options.part_threads = 1;
  if (options.part_size < 1) options.part_size = 8ull << 20;
  return std::unique_ptr<OssClient>(
      new OssClient(std::move(options), std::move(*ep), std::move(credentials), http, clock));
}

OssClient::OssClient(OssClientOptions options, OssEndpoint endpoint, CredentialSource credentials,
                     HttpClient& http, const Clock& clock)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      http_(http),
      skew_(clock) {}

std::string OssClient::bucket_or_default(std::string_view bucket) const {
  return bucket.empty() ? options_.bucket : std::string(bucket);
}

Result<OssResponse> OssClient::execute(const OssRequest& request) {
  const std::string bucket = bucket_or_default(request.bucket);
  const std::string context = context_of(request, bucket);
  SignRequest sreq;
  sreq.method = request.method;
  sreq.bucket = bucket;
  sreq.key = request.key;
  sreq.query = request.query;
  sreq.headers = request.headers;

  Status last;
  auto cancelled = [&] { return request.cancelled && request.cancelled(); };
  for (int attempt = 1; attempt <= options_.retry.max_attempts; ++attempt) {
    if (attempt > 1) {
      auto delay = jittered_delay(options_.retry, attempt - 1);
      spdlog::debug("oss {}: attempt {} of {} in {} ms after {}", context, attempt,
                    options_.retry.max_attempts, delay.count(), last.id());
      std::this_thread::sleep_for(delay);
    }
    if (cancelled()) return Status::error("cancelled", context + ": the call was cancelled");
    auto creds = credentials_();
    if (!creds) return creds.status();
    auto signed_req = sign(options_, sreq, *creds, skew_.now());
    if (!signed_req) return signed_req.status();

    Exchange ex;
    ex.method = request.method;
    ex.url = oss_url(endpoint_, bucket, request.key, signed_req->query_string);
    ex.headers = request.headers;
    for (auto& [name, value] : signed_req->headers) set_header(ex.headers, name, value);
    ex.body = request.body;
    ex.file = request.file;
    ex.timeouts = options_.timeouts;
    ex.reuse_connection = request.idempotent;
    ex.cancelled = request.cancelled;
    uint64_t crc = 0;
    if (request.crc == OssRequest::Crc::kSent) {
      ex.on_sent = [&crc](uint64_t offset, const char* data, size_t size) {
        if (offset == 0) crc = 0;
        crc = crc64_ecma_update(crc, data, size);
      };
    }
    if (request.sink) {
      if (request.restart) {
        if (Status s = request.restart(); !s) return s;
      }
      ex.sink = [&](const char* data, size_t size) {
        if (request.crc == OssRequest::Crc::kReceived) crc = crc64_ecma_update(crc, data, size);
        return request.sink(data, size);
      };
    }

    auto reply = http_.send(ex);
    if (!reply) {
      const Status& t = reply.status();
      if (t.id() == "cancelled")
        return Status::error("cancelled", context + ": the call was cancelled");
      last = network_status("oss", t);
      if (last.id() == "oss.network") {
        last = Status::error(last.id(), request.operation + " " + last.message());
      }
      spdlog::debug("oss {}: {}", context, t.id());
      if (is_retryable_transport(t, request.idempotent)) continue;
      return last;
    }
    const SignTime local = skew_.clock().now();
    const std::string date = find_header(reply->headers, "date").value_or("");
    OssResponse out;
    out.status = reply->status;
    out.request_id = response_request_id(reply->headers);
    spdlog::debug("oss {} -> HTTP {} ({})", context, reply->status, out.request_id);

    if (reply->status >= 200 && reply->status < 300) {
      if (skew_.observe(date, local, false)) {
        spdlog::info("oss: server clock differs by {} s; signing with the corrected time",
                     skew_.offset().count());
      }
      if (request.crc != OssRequest::Crc::kNone) {
        if (auto header = find_header(reply->headers, "x-oss-hash-crc64ecma")) {
          if (Status s = verify_crc64(*header, crc); !s) {
            last = Status::error(
                s.id(), context + ": " + s.message() + " (RequestId " + out.request_id + ")");
            if (request.idempotent) continue;
            return last;
          }
        }
      }
      out.headers = std::move(reply->headers);
      out.body = std::move(reply->body);
      out.body_size = reply->body_size;
      out.crc64 = crc;
      return out;
    }

    const ServiceError err = parse_oss_error(reply->status, reply->headers, reply->body);
    last = service_status("oss", err, context);
    if (is_skew_code(err.code)) {
      skew_.observe(date, local, true);
      spdlog::info("oss: {} — server clock differs by {} s; retrying with the corrected time",
                   err.code, skew_.offset().count());
      continue;  // refused before acting: safe for any request
    }
    const bool retryable =
        is_retryable_http_status(err.http_status) || is_retryable_service_code(err.code);
    if (!(retryable && (request.idempotent || is_refused_before_acting(err.http_status)))) {
      return last;
    }
  }
  return last;
}

Result<PutResult> OssClient::put_object_data(std::string_view key, std::string data,
                                             const PutOptions& options, std::string_view bucket) {
  OssRequest r;
  r.operation = "PutObject";
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.headers = options.headers;
  if (!options.content_type.empty()) set_header(r.headers, "Content-Type", options.content_type);
  r.body = std::move(data);
  r.crc = OssRequest::Crc::kSent;
  r.cancelled = options.cancelled;
  const uint64_t size = r.body.size();
  auto resp = execute(r);
  if (!resp) return resp.status();
  PutResult out;
  out.etag = find_header(resp->headers, "etag").value_or("");
  out.version_id = find_header(resp->headers, "x-oss-version-id").value_or("");
  out.request_id = resp->request_id;
  out.size = size;
  out.crc64 = crc64_ecma(r.body);
  return out;
}

Result<ObjectInfo> OssClient::head_object(std::string_view key, std::string_view bucket) {
  OssRequest r;
  r.operation = "HeadObject";
  r.method = "HEAD";
  r.bucket = bucket;
  r.key = key;
  auto resp = execute(r);
  if (!resp) return resp.status();
  ObjectInfo out;
  auto h = [&](const char* name) { return find_header(resp->headers, name).value_or(""); };
  out.size = to_u64(h("content-length"));
  out.content_type = h("content-type");
  out.etag = h("etag");
  out.last_modified = h("last-modified");
  out.object_type = h("x-oss-object-type");
  out.storage_class = h("x-oss-storage-class");
  out.crc64 = h("x-oss-hash-crc64ecma");
  for (const auto& [name, value] : resp->headers) {
    std::string lower = to_lower(name);
    if (lower.rfind("x-oss-meta-", 0) == 0) out.metadata.emplace_back(lower, value);
  }
  out.request_id = resp->request_id;
  out.headers = std::move(resp->headers);
  return out;
}

Result<std::string> OssClient::delete_object(std::string_view key, std::string_view bucket) {
  OssRequest r;
  r.operation = "DeleteObject";
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  auto resp = execute(r);
  if (!resp) return resp.status();
  return resp->request_id;
}

Result<ListResult> OssClient::list_objects_v2(const ListOptions& o, std::string_view bucket) {
  OssRequest r;
  r.operation = "ListObjectsV2";
  r.method = "GET";
  r.bucket = bucket;
  r.query = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (!o.prefix.empty()) r.query.emplace_back("prefix", o.prefix);
  if (!o.delimiter.empty()) r.query.emplace_back("delimiter", o.delimiter);
  if (!o.continuation_token.empty())
    r.query.emplace_back("continuation-token", o.continuation_token);
  if (!o.start_after.empty()) r.query.emplace_back("start-after", o.start_after);
  if (o.max_keys > 0) r.query.emplace_back("max-keys", std::to_string(o.max_keys));
  auto resp = execute(r);
  if (!resp) return resp.status();
  const std::string& xml = resp->body;
  if (xml.find("<ListBucketResult") == std::string::npos) {
    return Status::error("oss.response", "ListObjectsV2 " + bucket_or_default(bucket) +
                                             ": the answer is not a ListBucketResult (RequestId " +
                                             resp->request_id + ")");
  }
  const bool encoded = xml_text(xml, "EncodingType").value_or("") == "url";
  auto field = [&](const std::string& s) { return encoded ? url_decoded(s) : s; };
  ListResult out;
  for (std::string_view c : xml_blocks(xml, "Contents")) {
    ObjectSummary s;
    s.key = field(xml_text(c, "Key").value_or(""));
    s.size = to_u64(xml_text(c, "Size").value_or("0"));
    s.etag = xml_text(c, "ETag").value_or("");
    s.last_modified = xml_text(c, "LastModified").value_or("");
    s.storage_class = xml_text(c, "StorageClass").value_or("");
    s.type = xml_text(c, "Type").value_or("");
    out.objects.push_back(std::move(s));
  }
  for (std::string_view p : xml_blocks(xml, "CommonPrefixes")) {
    out.common_prefixes.push_back(field(xml_text(p, "Prefix").value_or("")));
  }
  out.truncated = xml_text(xml, "IsTruncated").value_or("") == "true";
  out.next_continuation_token = field(xml_text(xml, "NextContinuationToken").value_or(""));
  out.request_id = resp->request_id;
  return out;
}

Result<PutResult> OssClient::copy_object(std::string_view source_key, std::string_view target_key,
                                         std::string_view source_bucket, std::string_view bucket) {
  OssRequest r;
  r.operation = "CopyObject";
  r.method = "PUT";
  r.bucket = bucket;
  r.key = target_key;
  const std::string from =
      source_bucket.empty() ? bucket_or_default(bucket) : std::string(source_bucket);
  r.headers = {{"x-oss-copy-source", "/" + from + "/" + percent_encode(source_key, Slash::kKeep)}};
  auto resp = execute(r);
  if (!resp) return resp.status();
  PutResult out;
  out.etag = xml_text(resp->body, "ETag").value_or(find_header(resp->headers, "etag").value_or(""));
  out.version_id = find_header(resp->headers, "x-oss-version-id").value_or("");
  out.request_id = resp->request_id;
  if (auto crc = find_header(resp->headers, "x-oss-hash-crc64ecma")) {
    out.crc64 = parse_crc64_header(*crc).ok() ? *parse_crc64_header(*crc) : 0;
  }
  return out;
}

Result<ListUploadsResult> OssClient::list_multipart_uploads(std::string_view prefix,
                                                            std::string_view key_marker,
                                                            std::string_view upload_id_marker,
                                                            std::string_view bucket) {
  OssRequest r;
  r.operation = "ListMultipartUploads";
  r.method = "GET";
  r.bucket = bucket;
  r.query = {{"uploads", ""}, {"encoding-type", "url"}};
  if (!prefix.empty()) r.query.emplace_back("prefix", std::string(prefix));
  if (!key_marker.empty()) r.query.emplace_back("key-marker", std::string(key_marker));
  if (!upload_id_marker.empty()) {
    r.query.emplace_back("upload-id-marker", std::string(upload_id_marker));
  }
  auto resp = execute(r);
  if (!resp) return resp.status();
  const std::string& xml = resp->body;
  const bool encoded = xml_text(xml, "EncodingType").value_or("") == "url";
  auto field = [&](const std::string& s) { return encoded ? url_decoded(s) : s; };
  ListUploadsResult out;
  for (std::string_view u : xml_blocks(xml, "Upload")) {
    MultipartUpload m;
    m.key = field(xml_text(u, "Key").value_or(""));
    m.upload_id = xml_text(u, "UploadId").value_or("");
    m.initiated = xml_text(u, "Initiated").value_or("");
    out.uploads.push_back(std::move(m));
  }
  out.truncated = xml_text(xml, "IsTruncated").value_or("") == "true";
  out.next_key_marker = field(xml_text(xml, "NextKeyMarker").value_or(""));
  out.next_upload_id_marker = xml_text(xml, "NextUploadIdMarker").value_or("");
  out.request_id = resp->request_id;
  return out;
}

}  // namespace omm::oss

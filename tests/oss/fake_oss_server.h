// A test fixture, not the emulator: a cpp-httplib server on 127.0.0.1 (a free port) that speaks
// enough OSS REST (path-style) and IMM RPC to drive oss_client / imm_client. Every request's
// signature is recomputed with the project's own signers (OSS V4 header or presigned, OSS V1,
// ACS3) and compared; objects live in memory; faults are injected by counters (the next N
// requests fail) so tests can prove retries, give-ups, skew correction and CRC checks.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/base64url.h"
#include "oss/clock_skew.h"
#include "oss/crc64.h"
#include "oss/hash.h"
#include "oss/oss_xml.h"
#include "oss/percent_encode.h"
#include "oss/sign_request.h"
#include "oss/signer_acs3.h"
#include "oss/signer_v1.h"
#include "oss/signer_v4.h"

namespace omm::oss::testing {

inline const Credentials kTestCreds{"FAKE-test-key-01", "FAKE-test-secret-0123", ""};
inline constexpr const char* kTestRegion = "cn-hangzhou";

// "20231216T162057Z" → time.
inline std::optional<SignTime> parse_iso8601_basic(const std::string& s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" +
                    s.substr(9, 2) + ":" + s.substr(11, 2) + ":" + s.substr(13, 2) + "Z";
  return parse_iso8601_utc(iso);
}

class FakeOssServer {
 public:
  // Faults: each counter is consumed by the requests it hits.
  std::atomic<int> fail_5xx{0};              // answer 500 InternalError
  std::atomic<int> fail_503{0};              // answer 503 ServiceUnavailable
  std::atomic<int> drop{0};                  // send 200 headers, then cut the connection
  std::atomic<int> drop_initiate_answer{0};  // InitiateMultipartUpload: create, then cut
  std::atomic<int> wrong_crc{0};             // a wrong x-oss-hash-crc64ecma on a success
  std::atomic<int> fail_part{0};             // UploadPart of this part number always answers 500
  std::atomic<long long> skew_seconds{0};    // the server clock runs this far ahead
  std::atomic<int> imm_error{0};             // IMM answers 400 InvalidParameter JSON
  std::atomic<int> imm_503{0};               // IMM answers 503 ServiceUnavailable JSON

  // Observations.
  std::atomic<int> requests{0};
  std::atomic<int> skew_rejections{0};
  std::atomic<int> signature_failures{0};
  std::atomic<int> parts_in_flight{0};
  std::atomic<int> max_parts_in_flight{0};
  std::atomic<int> aborts{0};
  std::function<void()> on_stream;  // runs while a GET body is half sent

  FakeOssServer() {
    svr_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return pre_route(req, res);
    });
    svr_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { get(req, res); });
    svr_.Put(".*", [this](const httplib::Request& req, httplib::Response& res) { put(req, res); });
    svr_.Post(".*",
              [this](const httplib::Request& req, httplib::Response& res) { post(req, res); });
    svr_.Delete(".*",
                [this](const httplib::Request& req, httplib::Response& res) { del(req, res); });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    // stop() before the loop runs would be lost and the join would hang.
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeOssServer() {
    svr_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void put_object(const std::string& bucket, const std::string& key, std::string data) {
    std::lock_guard lock(mu_);
    objects_[bucket + "/" + key] = std::move(data);
  }
  std::optional<std::string> object(const std::string& bucket, const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(bucket + "/" + key);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  size_t open_uploads() {
    std::lock_guard lock(mu_);
    return uploads_.size();
  }
  // "METHOD /path?query-names" of every request, in arrival order.
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }
  int count(const std::string& prefix) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& l : log_) n += l.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
  }
  // The headers of the last request (signature checks).
  Params last_headers() {
    std::lock_guard lock(mu_);
    return last_headers_;
  }

 private:
  struct Upload {
    std::string bucket, key;
    std::map<int, std::string> parts;
    std::string initiated =
        iso8601_extended(std::chrono::system_clock::now()).substr(0, 19) + ".000Z";
  };

  SignTime server_now() const {
    return std::chrono::system_clock::now() + std::chrono::seconds(skew_seconds.load());
  }

  void stamp(httplib::Response& res) {
    res.set_header("Date", rfc1123(server_now()));
    res.set_header("x-oss-request-id", "req-" + std::to_string(requests.load()));
  }

  void error_xml(httplib::Response& res, int status, const std::string& code,
                 const std::string& message) {
    stamp(res);
    res.status = status;
    const std::string rid = "req-" + std::to_string(requests.load());
    res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                        "</Code><Message>" + xml_escape(message) + "</Message><RequestId>" + rid +
                        "</RequestId><HostId>127.0.0.1</HostId><EC>0000-00000000</EC>"
                        "<SignatureProvided>must-not-leak</SignatureProvided></Error>",
                    "application/xml");
  }

  void error_json(httplib::Response& res, int status, const std::string& code,
                  const std::string& message) {
    stamp(res);
    res.status = status;
    res.set_content(nlohmann::json{{"RequestId", "imm-req-" + std::to_string(requests.load())},
                                   {"Code", code},
                                   {"Message", message}}
                        .dump(),
                    "application/json");
  }

  static Params params_of(const httplib::Request& req) {
    Params p;
    for (const auto& [k, v] : req.params) p.emplace_back(k, v);
    return p;
  }
  static Params headers_of(const httplib::Request& req) {
    Params h;
    for (const auto& [k, v] : req.headers) {
      // httplib's server adds these itself; they were not sent by the client.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") {
        continue;
      }
      h.emplace_back(k, v);
    }
    return h;
  }
  static void split_path(const std::string& path, std::string& bucket, std::string& key) {
    const std::string p = path.substr(1);
    const size_t slash = p.find('/');
    bucket = p.substr(0, slash);
    key = slash == std::string::npos ? "" : p.substr(slash + 1);
  }

  bool too_skewed(SignTime t) const {
    const long long d = unix_seconds(t) - unix_seconds(server_now());
    return d > 900 || d < -900;
  }

  // Signature and clock checks, faults. Handled = answered here.
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    using HR = httplib::Server::HandlerResponse;
    ++requests;
    {
      std::lock_guard lock(mu_);
      std::string names;
      for (const auto& [k, v] : req.params) names += (names.empty() ? "?" : "&") + k;
      log_.push_back(req.method + " " + req.path + names);
      last_headers_ = headers_of(req);
    }
    if (req.has_header("x-acs-action")) return check_acs3(req, res) ? HR::Unhandled : HR::Handled;
    std::string bucket, key;
    split_path(req.path, bucket, key);
    const std::string auth = req.get_header_value("Authorization");
    SignRequest sreq{req.method, bucket, key, params_of(req), headers_of(req)};
    if (auth.rfind("OSS4-HMAC-SHA256 ", 0) == 0) {
      auto t = parse_iso8601_basic(req.get_header_value("x-oss-date"));
      if (!t) return error_xml(res, 400, "InvalidArgument", "bad x-oss-date"), HR::Handled;
      if (too_skewed(*t)) {
        ++skew_rejections;
        error_xml(res, 403, "RequestTimeTooSkewed",
                  "The difference between the request time and the current time is too large.");
        return HR::Handled;
      }
      V4Input in{sreq, kTestRegion, "oss", *t, {}};
      auto expect = sign_v4_header(in, kTestCreds);
      if (!expect || expect->authorization != auth) {
        ++signature_failures;
        error_xml(res, 403, "SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you "
                  "provided.");
        return HR::Handled;
      }
    } else if (auth.rfind("OSS ", 0) == 0) {
      auto t = parse_http_date(req.get_header_value("Date"));
      if (!t) return error_xml(res, 400, "InvalidArgument", "bad Date"), HR::Handled;
      if (too_skewed(*t)) {
        ++skew_rejections;
        error_xml(res, 403, "RequestTimeTooSkewed", "too skewed");
        return HR::Handled;
      }
      V1Input in{sreq, *t, {}};
      auto expect = sign_v1_header(in, kTestCreds);
      if (!expect || expect->authorization != auth) {
        ++signature_failures;
        error_xml(res, 403, "SignatureDoesNotMatch", "V1 signature mismatch");
        return HR::Handled;
      }
    } else if (req.has_param("x-oss-signature")) {
      if (!check_presigned(req, sreq, res)) return HR::Handled;
    } else {
      error_xml(res, 403, "AccessDenied", "anonymous access");
      return HR::Handled;
    }
    if (fail_5xx > 0 && fail_5xx-- > 0) {
      error_xml(res, 500, "InternalError", "injected");
      return HR::Handled;
    }
    if (fail_503 > 0 && fail_503-- > 0) {
      error_xml(res, 503, "ServiceUnavailable", "injected");
      return HR::Handled;
    }
    if (drop > 0 && drop-- > 0) {
      stamp(res);
      res.set_content_provider(1000, "application/octet-stream",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
      return HR::Handled;
    }
    return HR::Unhandled;
  }

  bool check_presigned(const httplib::Request& req, SignRequest sreq, httplib::Response& res) {
    Params query;
    std::string date, expires;
    for (const auto& [k, v] : sreq.query) {
      if (k == "x-oss-date") date = v;
      if (k == "x-oss-expires") expires = v;
      if (k == "x-oss-signature-version" || k == "x-oss-date" || k == "x-oss-expires" ||
          k == "x-oss-credential" || k == "x-oss-signature" || k == "x-oss-security-token" ||
          k == "x-oss-additional-headers") {
        continue;
      }
      query.emplace_back(k, v);
    }
    sreq.query = query;
    auto t = parse_iso8601_basic(date);
    if (!t) return error_xml(res, 400, "InvalidArgument", "bad x-oss-date"), false;
    V4Input in{sreq, kTestRegion, "oss", *t, {}};
    auto expect = presign_v4(in, kTestCreds, std::stoll(expires));
    if (!expect || !has_param(expect->query, "x-oss-signature") ||
        expect->query.back().second != req.get_param_value("x-oss-signature")) {
      ++signature_failures;
      error_xml(res, 403, "SignatureDoesNotMatch", "presigned signature mismatch");
      return false;
    }
    return true;
  }

  bool check_acs3(const httplib::Request& req, httplib::Response& res) {
    Acs3Input in;
    in.method = req.method;
    in.pathname = "/";
    in.query = params_of(req);
    in.headers = headers_of(req);
    in.hashed_payload = req.get_header_value("x-acs-content-sha256");
    auto expect = sign_acs3(in, kTestCreds);
    if (in.hashed_payload != sha256_hex(req.body) || !expect ||
        expect->authorization != req.get_header_value("Authorization")) {
      ++signature_failures;
      error_json(res, 400, "IncompleteSignature", "The request signature does not conform.");
      return false;
    }
    auto t = parse_iso8601_utc(req.get_header_value("x-acs-date"));
    if (!t || too_skewed(*t)) {
      ++skew_rejections;
      error_json(res, 400, "InvalidTimeStamp.Expired", "Specified time stamp is expired.");
      return false;
    }
    if (imm_error > 0 && imm_error-- > 0) {
      error_json(res, 400, "InvalidParameter", "The parameter ProjectName is invalid.");
      return false;
    }
    if (imm_503 > 0 && imm_503-- > 0) {
      error_json(res, 503, "ServiceUnavailable", "try later");
      return false;
    }
    return true;
  }

  void get(const httplib::Request& req, httplib::Response& res) {
    std::string bucket, key;
    split_path(req.path, bucket, key);
    if (key.empty() && req.has_param("uploads")) return list_uploads(bucket, req, res);
    if (key.empty()) return list(bucket, req, res);
    auto data = object(bucket, key);
    if (!data) {
      if (req.method == "HEAD") {
        stamp(res);
        res.status = 404;
        const std::string xml =
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
            "</Message><RequestId>head-req</RequestId><EC>0026-00000001</EC></Error>";
        res.set_header("x-oss-err", base64_encode(xml));
        res.set_header("x-oss-ec", "0026-00000001");
        return;
      }
      return error_xml(res, 404, "NoSuchKey", "The specified key does not exist.");
    }
    stamp(res);
    res.set_header("ETag", "\"" + hex_lower(md5(*data)) + "\"");
    res.set_header("x-oss-object-type", "Normal");
    res.set_header("x-oss-meta-origin", "fixture");
    uint64_t crc = crc64_ecma(*data);
    if (wrong_crc > 0 && wrong_crc-- > 0) crc ^= 1;
    res.set_header("x-oss-hash-crc64ecma", crc64_header_value(crc));
    if (req.has_param("x-oss-process")) {
      res.set_content("processed[" + req.get_param_value("x-oss-process") + "]:" + *data,
                      "image/webp");
      return;
    }
    std::string body = *data;
    if (req.has_header("Range")) {
      // httplib's server cuts the range (206, Content-Range) from the whole content itself.
      res.set_content(body, "application/octet-stream");
      return;
    }
    if (req.method == "HEAD" || body.empty()) {  // httplib sends no length for an empty provider
      res.set_content(body, "application/octet-stream");
      return;
    }
    // Streamed in 64 KiB pieces; on_stream runs once, half way through.
    auto shared = std::make_shared<std::string>(std::move(body));
    auto called = std::make_shared<bool>(false);
    res.set_content_provider(
        shared->size(), "application/octet-stream",
        [this, shared, called](size_t offset, size_t length, httplib::DataSink& sink) {
          if (!*called && offset >= shared->size() / 2 && on_stream) {
            *called = true;
            on_stream();
          }
          return sink.write(shared->data() + offset, std::min<size_t>(length, 65536));
        });
  }

  void list(const std::string& bucket, const httplib::Request& req, httplib::Response& res) {
    const std::string prefix = req.get_param_value("prefix");
    const std::string delimiter = req.get_param_value("delimiter");
    const std::string token = req.get_param_value("continuation-token");
    const int max_keys =
        req.has_param("max-keys") ? std::stoi(req.get_param_value("max-keys")) : 100;
    const bool url = req.get_param_value("encoding-type") == "url";
    auto enc = [&](const std::string& s) { return url ? percent_encode(s) : xml_escape(s); };
    std::string contents, prefixes, next;
    int n = 0;
    std::vector<std::string> seen_prefixes;
    std::lock_guard lock(mu_);
    for (const auto& [full, data] : objects_) {
      if (full.rfind(bucket + "/", 0) != 0) continue;
      const std::string key = full.substr(bucket.size() + 1);
      if (key.rfind(prefix, 0) != 0 || (!token.empty() && key <= token)) continue;
      if (n == max_keys) {
        next = key;  // the token is "list after the last returned key"
        break;
      }
      if (!delimiter.empty()) {
        const size_t d = key.find(delimiter, prefix.size());
        if (d != std::string::npos) {
          const std::string p = key.substr(0, d + delimiter.size());
          if (std::find(seen_prefixes.begin(), seen_prefixes.end(), p) == seen_prefixes.end()) {
            seen_prefixes.push_back(p);
            prefixes += "<CommonPrefixes><Prefix>" + enc(p) + "</Prefix></CommonPrefixes>";
          }
          continue;
        }
      }
      contents += "<Contents><Key>" + enc(key) +
                  "</Key><LastModified>2026-01-01T00:00:00.000Z"
                  "</LastModified><ETag>\"x\"</ETag><Type>Normal</Type><Size>" +
                  std::to_string(data.size()) +
                  "</Size><StorageClass>Standard</StorageClass>"
                  "</Contents>";
      last_listed_ = key;
      ++n;
    }
    const bool truncated = !next.empty();
    stamp(res);
    res.set_content(
        "<?xml version=\"1.0\"?><ListBucketResult><Name>" + bucket + "</Name>" +
            (url ? "<EncodingType>url</EncodingType>" : "") + "<IsTruncated>" +
            (truncated ? "true" : "false") + "</IsTruncated>" +
            (truncated ? "<NextContinuationToken>" + enc(last_listed_) + "</NextContinuationToken>"
                       : "") +
            contents + prefixes + "</ListBucketResult>",
        "application/xml");
  }

  void list_uploads(const std::string& bucket, const httplib::Request& req,
                    httplib::Response& res) {
    std::string body = "<ListMultipartUploadsResult><Bucket>" + bucket +
                       "</Bucket><IsTruncated>false</IsTruncated>";
    std::lock_guard lock(mu_);
    for (const auto& [id, u] : uploads_) {
      if (u.bucket != bucket || u.key.rfind(req.get_param_value("prefix"), 0) != 0) continue;
      body += "<Upload><Key>" + xml_escape(u.key) + "</Key><UploadId>" + id +
              "</UploadId><Initiated>" + u.initiated + "</Initiated></Upload>";
    }
    body += "</ListMultipartUploadsResult>";
    stamp(res);
    res.set_content(body, "application/xml");
  }

  void put(const httplib::Request& req, httplib::Response& res) {
    std::string bucket, key;
    split_path(req.path, bucket, key);
    if (req.has_param("uploadId")) {
      const int part = std::stoi(req.get_param_value("partNumber"));
      const int now = ++parts_in_flight;
      int seen = max_parts_in_flight.load();
      while (now > seen && !max_parts_in_flight.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      --parts_in_flight;
      if (part == fail_part.load()) return error_xml(res, 500, "InternalError", "part refused");
      std::lock_guard lock(mu_);
      auto it = uploads_.find(req.get_param_value("uploadId"));
      if (it == uploads_.end()) {
        error_xml(res, 404, "NoSuchUpload", "The specified upload does not exist.");
        return;
      }
      it->second.parts[part] = req.body;
      stamp(res);
      res.set_header("ETag", "\"" + hex_lower(md5(req.body)) + "\"");
      res.set_header("x-oss-hash-crc64ecma", crc64_header_value(crc64_ecma(req.body)));
      return;
    }
    std::string data = req.body;
    if (req.has_header("x-oss-copy-source")) {
      const std::string src = *percent_decode(req.get_header_value("x-oss-copy-source"));
      std::lock_guard lock(mu_);
      auto it = objects_.find(src.substr(1));
      if (it == objects_.end()) {
        error_xml(res, 404, "NoSuchKey", "The specified key does not exist.");
        return;
      }
      data = it->second;
    }
    uint64_t crc = crc64_ecma(data);
    put_object(bucket, key, data);
    stamp(res);
    if (wrong_crc > 0 && wrong_crc-- > 0) crc ^= 1;
    res.set_header("ETag", "\"" + hex_lower(md5(data)) + "\"");
    res.set_header("x-oss-hash-crc64ecma", crc64_header_value(crc));
    if (req.has_header("x-oss-copy-source")) {
      res.set_content(
          "<CopyObjectResult><ETag>\"" + hex_lower(md5(data)) + "\"</ETag></CopyObjectResult>",
          "application/xml");
    }
  }

  void post(const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("x-acs-action")) return imm(req, res);
    std::string bucket, key;
    split_path(req.path, bucket, key);
    if (req.has_param("uploads")) {
      std::lock_guard lock(mu_);
      const std::string id = "upload-" + std::to_string(++next_upload_);
      uploads_[id] = Upload{bucket, key, {}};
      stamp(res);
      if (drop_initiate_answer > 0 && drop_initiate_answer-- > 0) {  // acted, then cut
        res.set_content_provider(1000, "application/xml",
                                 [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
      }
      res.set_content("<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" +
                          xml_escape(key) + "</Key><UploadId>" + id +
                          "</UploadId></InitiateMultipartUploadResult>",
                      "application/xml");
      return;
    }
    if (req.has_param("uploadId")) return complete(bucket, key, req, res);
    if (req.has_param("x-oss-process")) {
      // body: x-oss-process=<ops>|sys/saveas,o_<b64>[,b_<b64>]
      const std::string& body = req.body;
      const size_t bar = body.find("|sys/saveas,");
      auto data = object(bucket, key);
      if (body.rfind("x-oss-process=", 0) != 0 || bar == std::string::npos || !data) {
        return error_xml(res, 400, "InvalidArgument", "bad saveas body");
      }
      std::string target, target_bucket = bucket;
      std::string rest = body.substr(bar + 12);
      for (size_t start = 0; start <= rest.size();) {
        size_t comma = rest.find(',', start);
        if (comma == std::string::npos) comma = rest.size();
        const std::string item = rest.substr(start, comma - start);
        if (item.rfind("o_", 0) == 0) target = *core::base64url_decode(item.substr(2));
        if (item.rfind("b_", 0) == 0) target_bucket = *core::base64url_decode(item.substr(2));
        start = comma + 1;
      }
      const std::string out = "saved[" + body.substr(14, bar - 14) + "]:" + *data;
      put_object(target_bucket, target, out);
      stamp(res);
      res.set_content(nlohmann::json{{"bucket", target_bucket},
                                     {"fileSize", out.size()},
                                     {"object", target},
                                     {"status", "OK"}}
                          .dump(),
                      "application/json");
      return;
    }
    if (req.has_param("x-oss-async-process")) {
      if (req.body.rfind("x-oss-async-process=", 0) != 0) {
        return error_xml(res, 400, "InvalidArgument", "bad async body");
      }
      stamp(res);
      res.set_content(R"({"EventId":"evt-1","RequestId":"async-req","TaskId":"MediaConvert-42"})",
                      "application/json");
      return;
    }
    error_xml(res, 400, "InvalidRequest", "unsupported POST");
  }

  void complete(const std::string& bucket, const std::string& key, const httplib::Request& req,
                httplib::Response& res) {
    std::string data;
    {
      std::lock_guard lock(mu_);
      auto it = uploads_.find(req.get_param_value("uploadId"));
      if (it == uploads_.end()) {
        error_xml(res, 404, "NoSuchUpload", "The specified upload does not exist.");
        return;
      }
      int last = 0;
      for (std::string_view part : xml_blocks(req.body, "Part")) {
        const int n = std::stoi(*xml_text(part, "PartNumber"));
        auto p = it->second.parts.find(n);
        if (n <= last || p == it->second.parts.end() ||
            *xml_text(part, "ETag") != "\"" + hex_lower(md5(p->second)) + "\"") {
          error_xml(res, 400, "InvalidPart", "bad part list");
          return;
        }
        last = n;
        data += p->second;
      }
      uploads_.erase(it);
    }
    put_object(bucket, key, data);
    stamp(res);
    uint64_t crc = crc64_ecma(data);
    if (wrong_crc > 0 && wrong_crc-- > 0) crc ^= 1;
    res.set_header("x-oss-hash-crc64ecma", crc64_header_value(crc));
    res.set_content("<CompleteMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" +
                        xml_escape(key) +
                        "</Key><ETag>\"multi-etag\"</ETag>"
                        "</CompleteMultipartUploadResult>",
                    "application/xml");
  }

  void del(const httplib::Request& req, httplib::Response& res) {
    std::string bucket, key;
    split_path(req.path, bucket, key);
    stamp(res);
    res.status = 204;
    std::lock_guard lock(mu_);
    if (req.has_param("uploadId")) {
      ++aborts;
      uploads_.erase(req.get_param_value("uploadId"));
      return;
    }
    objects_.erase(bucket + "/" + key);
  }

  void imm(const httplib::Request& req, httplib::Response& res) {
    const std::string action = req.get_header_value("x-acs-action");
    const std::string project = req.get_param_value("ProjectName");
    stamp(res);
    nlohmann::json out = {{"RequestId", "imm-req-" + std::to_string(requests.load())}};
    if (action == "GetTask") {
      out["ProjectName"] = project;
      out["TaskId"] = req.get_param_value("TaskId");
      out["TaskType"] = req.get_param_value("TaskType");
      out["Status"] = "Succeeded";
      out["Progress"] = 100;
    } else if (action == "CreateProject" || action == "GetProject") {
      if (action == "GetProject" && project != "known") {
        return error_json(res, 404, "ResourceNotFound",
                          "The specified resource project is not found.");
      }
      out["Project"] = {
          {"ProjectName", project},
          {"ServiceRole", req.has_param("ServiceRole") ? req.get_param_value("ServiceRole")
                                                       : "AliyunIMMDefaultRole"}};
    } else if (action == "AttachOSSBucket") {
      if (req.get_param_value("OSSBucket").empty()) {
        return error_json(res, 400, "MissingOSSBucket", "OSSBucket is mandatory.");
      }
    } else if (action == "GetOSSBucketAttachment") {
      out["ProjectName"] = "known";
    } else if (action == "CreateDecodeBlindWatermarkTask") {
      out["TaskId"] = "DecodeBlindWatermark-7";
      out["EventId"] = "evt-7";
      out["Echo"] = req.get_param_value("SourceURI") + "|" + req.get_param_value("StrengthLevel");
    } else if (action == "GetDecodeBlindWatermarkResult") {
      out["Status"] = "Succeeded";
      out["Content"] = "(c) ACME";
    } else {
      return error_json(res, 404, "InvalidAction.NotFound", "unknown action " + action);
    }
    res.set_content(out.dump(), "application/json;charset=utf-8");
  }

  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::string> objects_;  // "bucket/key" → data
  std::map<std::string, Upload> uploads_;
  int next_upload_ = 0;
  std::string last_listed_;
  std::vector<std::string> log_;
  Params last_headers_;
};

}  // namespace omm::oss::testing

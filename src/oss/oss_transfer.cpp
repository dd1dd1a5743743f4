// OssClient file transfers: PutObject from a file (multipart with parallel parts above the
// threshold, aborted on any failure) and GetObject into a file through a temporary name.
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/random_id.h"
#include "oss/crc64.h"
#include "oss/oss_client.h"
#include "oss/oss_xml.h"
#include "oss/sign_time.h"

namespace omm::oss {
namespace {

constexpr int kMaxParts = 10000;

Result<uint64_t> file_size(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::error("oss.local_io", "not a regular file: " + path);
  }
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::error("oss.local_io", "cannot read the size of " + path);
  return size;
}

// "<dir>/.<name>.<random>.part": beside the target, so the final rename stays on one file system.
std::string temp_name_for(const std::string& path) {
  const std::filesystem::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + "." + random_hex(8) + ".part")).string();
}

// The file a GET streams into; removed unless committed.
class TempFile {
 public:
  explicit TempFile(std::string target)
      : target_(std::move(target)), temp_(temp_name_for(target_)) {}
  ~TempFile() {
    if (f_ != nullptr) std::fclose(f_);
    if (!committed_) std::remove(temp_.c_str());
  }
  Status open_or_truncate() {
    if (f_ != nullptr) std::fclose(f_);
    f_ = std::fopen(temp_.c_str(), "wb");
    if (f_ == nullptr) return Status::error("oss.local_io", "cannot create " + temp_);
    return Status::ok();
  }
  bool write(const char* data, size_t size) {
    if (std::fwrite(data, 1, size, f_) != size) {
      failed_ = true;
      return false;
    }
    return true;
  }
  Status commit() {
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!closed || failed_) return Status::error("oss.local_io", "cannot write " + temp_);
    if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
      return Status::error("oss.local_io", "cannot rename " + temp_ + " to " + target_);
    }
    committed_ = true;
    return Status::ok();
  }
  bool write_failed() const { return failed_; }
  const std::string& temp() const { return temp_; }

 private:
  std::string target_;
  std::string temp_;
  std::FILE* f_ = nullptr;
  bool failed_ = false;
  bool committed_ = false;
};

void fill_put_options(OssRequest& r, const PutOptions& o) {
  r.headers = o.headers;
  if (!o.content_type.empty()) set_header(r.headers, "Content-Type", o.content_type);
}

}  // namespace

Result<PutResult> OssClient::put_object(std::string_view key, const std::string& path,
                                        const PutOptions& options, std::string_view bucket) {
  auto size = file_size(path);
  if (!size) return size.status();
  const std::string b = bucket_or_default(bucket);
  if (*size > options_.multipart_threshold) return put_multipart(key, path, *size, options, b);

  OssRequest r;
  r.operation = "PutObject";
  r.method = "PUT";
  r.bucket = b;
  r.key = key;
  fill_put_options(r, options);
  r.file = FileBody{path, 0, *size};
  r.crc = OssRequest::Crc::kSent;
  r.cancelled = options.cancelled;
  auto resp = execute(r);
  if (!resp) return resp.status();
  spdlog::debug("oss: put {} bytes from {} to {}/{}", *size, path, b, std::string(key));
  PutResult out;
  out.etag = find_header(resp->headers, "etag").value_or("");
  out.version_id = find_header(resp->headers, "x-oss-version-id").value_or("");
  out.request_id = resp->request_id;
  out.size = *size;
  out.crc64 = resp->crc64;
  return out;
}

Result<PutResult> OssClient::put_multipart(std::string_view key, const std::string& path,
                                           uint64_t size, const PutOptions& options,
                                           const std::string& bucket) {
  uint64_t part_size = options_.part_size;
  if ((size + part_size - 1) / part_size > kMaxParts)
    part_size = (size + kMaxParts - 1) / kMaxParts;
  const int parts = static_cast<int>((size + part_size - 1) / part_size);

  const SignTime started = skew_.now();
  auto upload_id = initiate_multipart(key, options, bucket);
  if (!upload_id) {
    if (upload_id.status().id() != "cancelled") abort_orphan_uploads(key, started, bucket);
    return upload_id.status();
  }
  spdlog::debug("oss: multipart upload of {} to {}/{}: {} parts of {} bytes", path, bucket,
                std::string(key), parts, part_size);

  std::vector<PartResult> results(static_cast<size_t>(parts));
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (!failed.load()) {
      const int i = next.fetch_add(1);
      if (i >= parts) return;
      const uint64_t offset = static_cast<uint64_t>(i) * part_size;
      const FileBody body{path, offset, std::min(part_size, size - offset)};
      auto r = upload_part(key, *upload_id, i + 1, body, bucket, options.cancelled);
      if (!r) {
        std::lock_guard lock(mu);
        if (first_error.is_ok()) first_error = r.status();
        failed = true;
        return;
      }
      results[static_cast<size_t>(i)] = std::move(*r);
    }
  };
  std::vector<std::thread> threads;
  const int n = std::min(options_.part_threads, parts);
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  auto abort_with = [&](const Status& cause) -> Result<PutResult> {
    if (Status s = abort_multipart(key, *upload_id, bucket); !s) {
      spdlog::warn("oss: aborting the multipart upload of {}/{} failed: {}", bucket,
                   std::string(key), s.to_string());
    }
    return cause;
  };
  if (failed) return abort_with(first_error);
  if (options.cancelled && options.cancelled()) {
    return abort_with(Status::error(
        "cancelled", "PutObject " + bucket + "/" + std::string(key) + ": the call was cancelled"));
  }
  auto done = complete_multipart(key, *upload_id, results, bucket);
  if (!done) return abort_with(done.status());
  done->size = size;
  return done;
}

// InitiateMultipartUpload is not retried (a second one would start a second upload), and an
// answer lost after the server acted leaves an upload nobody knows the id of. One listing finds
// it: uploads of exactly this key initiated since the call began (5 s of margin for clocks the
// skew correction leaves alone) are aborted. Another writer's upload of the same key begun in
// that window would go too — two writers racing for one key lose one write anyway.
void OssClient::abort_orphan_uploads(std::string_view key, SignTime since,
                                     const std::string& bucket) {
  const std::string from = iso8601_extended(since - std::chrono::seconds(5)).substr(0, 19);
  auto listed = list_multipart_uploads(key, {}, {}, bucket);
  if (!listed) {
    spdlog::warn("oss: cannot list the multipart uploads of {}/{} after a failed initiate: {}",
                 bucket, std::string(key), listed.status().to_string());
    return;
  }
  for (const auto& u : listed->uploads) {
    if (u.key != key || u.initiated.substr(0, 19) < from) continue;
    spdlog::debug("oss: aborting the orphan multipart upload {} of {}/{}", u.upload_id, bucket,
                  u.key);
    if (Status s = abort_multipart(key, u.upload_id, bucket); !s) {
      spdlog::warn("oss: aborting the orphan multipart upload of {}/{} failed: {}", bucket,
                   std::string(key), s.to_string());
    }
  }
}

Result<std::string> OssClient::initiate_multipart(std::string_view key, const PutOptions& options,
                                                  std::string_view bucket) {
  OssRequest r;
  r.operation = "InitiateMultipartUpload";
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploads", ""}};
  fill_put_options(r, options);
  r.idempotent = false;
  auto resp = execute(r);
  if (!resp) return resp.status();
  auto id = xml_text(resp->body, "UploadId");
  if (!id || id->empty()) {
    return Status::error("oss.response", "InitiateMultipartUpload " + bucket_or_default(bucket) +
                                             "/" + std::string(key) +
                                             ": no UploadId in the answer");
  }
  return *id;
}

Result<PartResult> OssClient::upload_part(std::string_view key, std::string_view upload_id,
                                          int part_number, const FileBody& part,
                                          std::string_view bucket,
                                          std::function<bool()> cancelled) {
  OssRequest r;
  r.operation = "UploadPart " + std::to_string(part_number) + " of";
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  r.file = part;
  r.crc = OssRequest::Crc::kSent;
  r.cancelled = std::move(cancelled);
  auto resp = execute(r);
  if (!resp) return resp.status();
  PartResult out;
  out.part_number = part_number;
  out.etag = find_header(resp->headers, "etag").value_or("");
  out.size = part.length;
  out.crc64 = resp->crc64;
  return out;
}

Result<PutResult> OssClient::complete_multipart(std::string_view key, std::string_view upload_id,
                                                const std::vector<PartResult>& parts,
                                                std::string_view bucket) {
  std::string body = "<CompleteMultipartUpload>";
  uint64_t crc = 0;
  for (const auto& p : parts) {
    body += "<Part><PartNumber>" + std::to_string(p.part_number) + "</PartNumber><ETag>" +
            xml_escape(p.etag) + "</ETag></Part>";
    crc = crc64_ecma_combine(crc, p.crc64, p.size);
  }
  body += "</CompleteMultipartUpload>";
  OssRequest r;
  r.operation = "CompleteMultipartUpload";
  r.method = "POST";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploadId", std::string(upload_id)}};
  r.headers = {{"Content-Type", "application/xml"}};
  r.body = std::move(body);
  r.idempotent = false;
  auto resp = execute(r);
  if (!resp) return resp.status();
  if (auto header = find_header(resp->headers, "x-oss-hash-crc64ecma")) {
    if (Status s = verify_crc64(*header, crc); !s) {
      return Status::error(s.id(), "CompleteMultipartUpload " + bucket_or_default(bucket) + "/" +
                                       std::string(key) + ": " + s.message());
    }
  }
  PutResult out;
  out.etag = xml_text(resp->body, "ETag").value_or("");
  out.version_id = find_header(resp->headers, "x-oss-version-id").value_or("");
  out.request_id = resp->request_id;
  out.crc64 = crc;
  out.multipart = true;
  out.upload_id = std::string(upload_id);
  for (const auto& p : parts) out.size += p.size;
  return out;
}

Status OssClient::abort_multipart(std::string_view key, std::string_view upload_id,
                                  std::string_view bucket) {
  OssRequest r;
  r.operation = "AbortMultipartUpload";
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  r.query = {{"uploadId", std::string(upload_id)}};
  auto resp = execute(r);
  return resp ? Status::ok() : resp.status();
}

Result<GetResult> OssClient::get_object_to_file(std::string_view key, const std::string& path,
                                                const GetOptions& options,
                                                std::string_view bucket) {
  OssRequest r;
  r.operation = options.process.empty() ? "GetObject" : "GetObject(x-oss-process)";
  r.method = "GET";
  r.bucket = bucket;
  r.key = key;
  if (!options.process.empty()) r.query = {{"x-oss-process", options.process}};
  if (options.range) {
    std::string range = "bytes=" + std::to_string(options.range->first) + "-";
    if (options.range->second) range += std::to_string(*options.range->second);
    r.headers = {{"Range", range}};
  }
  // A CRC only describes the stored object as a whole.
  if (!options.range && options.process.empty()) r.crc = OssRequest::Crc::kReceived;
  r.cancelled = options.cancelled;
  TempFile temp(path);
  r.restart = [&temp] { return temp.open_or_truncate(); };
  r.sink = [&temp](const char* data, size_t size) { return temp.write(data, size); };
  auto resp = execute(r);
  if (!resp) {
    if (temp.write_failed()) return Status::error("oss.local_io", "cannot write " + temp.temp());
    return resp.status();
  }
  if (Status s = temp.commit(); !s) return s;
  GetResult out;
  out.path = path;
  out.size = resp->body_size;
  out.status = resp->status;
  out.content_type = find_header(resp->headers, "content-type").value_or("");
  out.etag = find_header(resp->headers, "etag").value_or("");
  out.request_id = resp->request_id;
  out.headers = std::move(resp->headers);
  spdlog::debug("oss: got {} bytes of {}/{} into {}", out.size, bucket_or_default(bucket),
                std::string(key), path);
  return out;
}

Result<GetResult> OssClient::process_to_file(std::string_view key, std::string_view process,
                                             const std::string& path, std::string_view bucket) {
  GetOptions o;
  o.process = std::string(process);
  return get_object_to_file(key, path, o, bucket);
}

}  // namespace omm::oss

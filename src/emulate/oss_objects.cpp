// The OSS object API of the emulator (oss_protocol.md §4): routing by method and
// sub-resource, PutObject / GetObject (ranges) / HeadObject / DeleteObject / CopyObject,
// ListObjects v1 and v2, PutBucket, ListBuckets and multipart uploads. Processing requests
// (x-oss-process, x-oss-async-process) go on to oss_process.cpp.
#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/base64url.h"
#include "emulate/emulator.h"
#include "oss/crc64.h"
#include "oss/hash.h"
#include "oss/percent_encode.h"
#include "oss/sign_time.h"

namespace omm::emulate {

namespace {

bool has(const Call& c, std::string_view name) { return oss::has_param(c.req.query, name); }
std::string q(const Call& c, std::string_view name) { return param_value(c.req.query, name); }
std::optional<std::string> header(const Call& c, std::string_view name) {
  return oss::find_header(c.req.headers, name);
}

constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

Reply xml_reply(std::string body) {
  Reply r;
  r.content_type = "application/xml";
  r.body = kXmlHead + body;
  return r;
}

void object_headers(Reply& r, const ObjectMeta& m) {
  r.headers.emplace_back("ETag", m.etag);
  r.headers.emplace_back("Last-Modified",
                         oss::rfc1123(oss::from_unix_seconds(m.last_modified_ms / 1000)));
  r.headers.emplace_back("x-oss-hash-crc64ecma", oss::crc64_header_value(m.crc64));
  r.headers.emplace_back("x-oss-object-type", "Normal");
  r.headers.emplace_back("x-oss-storage-class", "Standard");
  r.headers.emplace_back("Accept-Ranges", "bytes");
}

// "bytes=a-b", "bytes=a-", "bytes=-n" of an object of `size` bytes -> [first, last]; nullopt
// for a header OSS ignores (malformed, several ranges); {1, 0} for an unsatisfiable range.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& h,
                                                                   std::uint64_t size) {
  if (h.rfind("bytes=", 0) != 0 || h.find(',') != std::string::npos) return std::nullopt;
  std::string spec = h.substr(6);
  std::size_t dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto num = [](const std::string& s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), ::isdigit))
      return std::nullopt;
    return std::stoull(s);
  };
  std::string a = spec.substr(0, dash);
  std::string b = spec.substr(dash + 1);
  if (a.empty()) {  // suffix: the last n bytes
    auto n = num(b);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return std::make_pair(1ULL, 0ULL);
    return std::make_pair(size - std::min(*n, size), size - 1);
  }
  auto first = num(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = num(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, last);
  }
  if (*first >= size) return std::make_pair(1ULL, 0ULL);
  return std::make_pair(*first, last);
}

std::string url_encode_if(bool encode, std::string_view text) {
  return xml_escape(encode ? oss::percent_encode(text, oss::Slash::kEncode) : std::string(text));
}

std::string contents_xml(const ObjectMeta& m, bool encode, bool owner) {
  std::string out = fmt::format(
      "  <Contents>\n    <Key>{}</Key>\n    <LastModified>{}</LastModified>\n    <ETag>{}</ETag>\n"
      "    <Type>Normal</Type>\n    <Size>{}</Size>\n    <StorageClass>Standard</StorageClass>\n",
      url_encode_if(encode, m.key), iso8601_ms(m.last_modified_ms), m.etag, m.size);
  if (owner)
    out +=
        "    <Owner>\n      <ID>0000000000000000</ID>\n      "
        "<DisplayName>0000000000000000</DisplayName>\n    </Owner>\n";
  return out + "  </Contents>\n";
}

// The <Part> elements of a CompleteMultipartUpload body.
std::optional<std::vector<std::pair<int, std::string>>> parse_complete_body(std::string_view xml) {
  std::vector<std::pair<int, std::string>> parts;
  auto element = [](std::string_view s, std::string_view name) -> std::optional<std::string> {
    std::string open = "<" + std::string(name) + ">";
    std::string close = "</" + std::string(name) + ">";
    std::size_t a = s.find(open);
    std::size_t b = s.find(close);
    if (a == std::string_view::npos || b == std::string_view::npos || b < a) return std::nullopt;
    std::string v(s.substr(a + open.size(), b - a - open.size()));
    for (const auto& [ent, ch] :
         {std::pair<std::string, std::string>{"&quot;", "\""}, {"&#34;", "\""}, {"&amp;", "&"}}) {
      for (std::size_t p; (p = v.find(ent)) != std::string::npos;) v.replace(p, ent.size(), ch);
    }
    return v;
  };
  std::size_t pos = 0;
  while ((pos = xml.find("<Part>", pos)) != std::string_view::npos) {
    std::size_t end = xml.find("</Part>", pos);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view part = xml.substr(pos, end - pos);
    auto number = element(part, "PartNumber");
    auto etag = element(part, "ETag");
    if (!number || !etag || number->empty() || number->size() > 5 ||
        !std::all_of(number->begin(), number->end(), ::isdigit)) {
      return std::nullopt;
    }
    parts.emplace_back(std::stoi(*number), *etag);
    pos = end;
  }
  return parts;
}

}  // namespace

Reply Emulator::handle_oss(const Call& call) {
  const std::string& method = call.req.method;
  if (call.req.bucket.empty()) {
    if (method != "GET") return oss_error(call, 400, "InvalidArgument", "no bucket in the request");
    // ListBuckets: every bucket directory.
    std::string body =
        "<ListAllMyBucketsResult>\n  <Owner>\n    <ID>0000000000000000</ID>\n"
        "    <DisplayName>0000000000000000</DisplayName>\n  </Owner>\n  <Buckets>\n";
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(store_.root(), ec)) {
      std::string name = e.path().filename().string();
      if (e.is_directory() && ObjectStore::valid_bucket_name(name)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      body += fmt::format(
          "    <Bucket>\n      <Name>{}</Name>\n      <Location>oss-{}</Location>\n"
          "      <Region>{}</Region>\n      <StorageClass>Standard</StorageClass>\n"
          "    </Bucket>\n",
          n, config_.auth.region, config_.auth.region);
    }
    return xml_reply(body + "  </Buckets>\n</ListAllMyBucketsResult>\n");
  }
  if (call.req.key.empty()) return handle_bucket(call);
  return handle_object(call);
}

Reply Emulator::handle_bucket(const Call& call) {
  const std::string& method = call.req.method;
  const std::string& bucket = call.req.bucket;
  if (method == "PUT" && call.req.query.empty()) {
    if (Status s = store_.create_bucket(bucket); !s) return oss_error(call, s);
    return Reply{};
  }
  if (method == "GET" && has(call, "uploads")) return list_uploads(call);
  if (method == "HEAD" || (method == "GET" && has(call, "bucketInfo"))) {
    if (!store_.bucket_exists(bucket))
      return oss_error(call, 404, "NoSuchBucket", "The specified bucket does not exist.");
    return Reply{};
  }
  if (method == "GET") return list_objects(call, q(call, "list-type") == "2");
  if (method == "DELETE" && call.req.query.empty()) {
    if (!store_.bucket_exists(bucket))
      return oss_error(call, 404, "NoSuchBucket", "The specified bucket does not exist.");
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(store_.root()) / bucket, ec);
    if (ec)
      return oss_error(call, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty.");
    Reply r;
    r.status = 204;
    return r;
  }
  return oss_error(call, 501, "NotImplemented", "This bucket operation is not emulated.");
}

Reply Emulator::handle_object(const Call& call) {
  const std::string& method = call.req.method;
  if (has(call, "x-oss-process") && method == "GET")
    return process_get(call, q(call, "x-oss-process"));
  if (method == "POST" && has(call, "x-oss-process")) return process_post(call, false);
  if (method == "POST" && has(call, "x-oss-async-process")) return process_post(call, true);
  if (has(call, "uploads") || has(call, "uploadId")) return multipart(call);
  if (method == "PUT") return put_object(call);
  if (method == "GET" || method == "HEAD") return get_object(call, method == "HEAD");
  if (method == "DELETE") {
    Status s = store_.remove(call.req.bucket, call.req.key);
    if (!s && s.id() != "emulate.NoSuchKey") return oss_error(call, s);
    Reply r;
    r.status = 204;
    return r;
  }
  return oss_error(call, 501, "NotImplemented", "This object operation is not emulated.");
}

Reply Emulator::put_object(const Call& call) {
  if (auto source = header(call, "x-oss-copy-source")) {
    // "/bucket/key", the key percent-encoded.
    std::string text = *source;
    if (!text.empty() && text[0] == '/') text.erase(0, 1);
    std::size_t slash = text.find('/');
    auto key =
        slash == std::string::npos ? std::nullopt : oss::percent_decode(text.substr(slash + 1));
    if (!key || key->empty())
      return oss_error(call, 400, "InvalidArgument", "x-oss-copy-source must be /bucket/key");
    auto meta = store_.copy(text.substr(0, slash), *key, call.req.bucket, call.req.key);
    if (!meta.ok()) return oss_error(call, meta.status());
    Reply r = xml_reply(
        fmt::format("<CopyObjectResult>\n  <ETag>{}</ETag>\n  <LastModified>{}</LastModified>\n"
                    "</CopyObjectResult>\n",
                    meta->etag, iso8601_ms(meta->last_modified_ms)));
    r.headers.emplace_back("ETag", meta->etag);
    r.headers.emplace_back("x-oss-hash-crc64ecma", oss::crc64_header_value(meta->crc64));
    return r;
  }
  if (auto md5 = header(call, "content-md5"); md5 && *md5 != oss::content_md5(call.req.body)) {
    return oss_error(call, 400, "InvalidDigest", "The Content-MD5 you specified is not valid.");
  }
  if (header(call, "x-oss-forbid-overwrite").value_or("") == "true" &&
      store_.head(call.req.bucket, call.req.key).ok()) {
    return oss_error(call, 409, "FileAlreadyExists", "The object you specified already exists.");
  }
  auto meta = store_.put(call.req.bucket, call.req.key, call.req.body);
  if (!meta.ok()) return oss_error(call, meta.status());
  Reply r;
  r.headers.emplace_back("ETag", meta->etag);
  r.headers.emplace_back("Content-MD5", oss::content_md5(call.req.body));
  r.headers.emplace_back("x-oss-hash-crc64ecma", oss::crc64_header_value(meta->crc64));
  return r;
}

Reply Emulator::get_object(const Call& call, bool head) {
  auto meta = store_.head(call.req.bucket, call.req.key);
  if (!meta.ok()) return oss_error(call, meta.status());
  if (auto match = header(call, "if-match"); match && *match != meta->etag) {
    return oss_error(call, 412, "PreconditionFailed",
                     "At least one of the pre-conditions you specified did not hold.");
  }
  if (auto none = header(call, "if-none-match"); none && *none == meta->etag) {
    Reply r;
    r.status = 304;
    object_headers(r, *meta);
    return r;
  }
  Reply r;
  object_headers(r, *meta);
  r.content_type = q(call, "response-content-type").empty() ? meta->content_type
                                                            : q(call, "response-content-type");
  for (const char* name :
       {"response-content-disposition", "response-cache-control", "response-content-encoding",
        "response-content-language", "response-expires"}) {
    if (has(call, name)) r.headers.emplace_back(std::string(name).substr(9), q(call, name));
  }
  std::string body;
  auto range_header = header(call, "range");
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  if (range_header) range = parse_range(*range_header, meta->size);
  if (range && range->first > range->second) {
    Reply e = oss_error(call, 416, "InvalidRange", "The requested range cannot be satisfied.");
    e.headers.emplace_back("Content-Range", fmt::format("bytes */{}", meta->size));
    return e;
  }
  // The body is streamed from the file by the HTTP layer (a 1 GiB object is not read into
  // memory); HEAD sends the same headers, Content-Length included, and no body.
  auto path = store_.object_path(call.req.bucket, call.req.key);
  if (!path.ok()) return oss_error(call, path.status());
  r.file = *path;
  r.file_length = meta->size;
  if (range) {
    r.status = 206;
    r.headers.emplace_back("Content-Range",
                           fmt::format("bytes {}-{}/{}", range->first, range->second, meta->size));
    r.file_offset = range->first;
    r.file_length = range->second - range->first + 1;
  }
  (void)head;
  return r;
}

Reply Emulator::list_objects(const Call& call, bool v2) {
  ListQuery lq;
  lq.prefix = q(call, "prefix");
  lq.delimiter = q(call, "delimiter");
  std::string max = q(call, "max-keys");
  if (!max.empty()) {
    if (max.size() > 4 || !std::all_of(max.begin(), max.end(), ::isdigit) || std::stoi(max) < 1 ||
        std::stoi(max) > 1000) {
      return oss_error(call, 400, "InvalidArgument", "max-keys must be 1..1000");
    }
    lq.max_keys = std::stoi(max);
  }
  bool encode = q(call, "encoding-type") == "url";
  std::string token = q(call, "continuation-token");
  if (v2) {
    if (!token.empty()) {
      auto decoded = core::base64url_decode(token);
      if (!decoded)
        return oss_error(call, 400, "InvalidArgument", "continuation-token is not valid");
      lq.after = *decoded;
    } else {
      lq.after = q(call, "start-after");
    }
  } else {
    lq.after = q(call, "marker");
  }
  auto list = store_.list(call.req.bucket, lq);
  if (!list.ok()) return oss_error(call, list.status());
  std::string body = fmt::format("<ListBucketResult>\n  <Name>{}</Name>\n  <Prefix>{}</Prefix>\n",
                                 xml_escape(call.req.bucket), url_encode_if(encode, lq.prefix));
  if (v2) {
    if (has(call, "start-after"))
      body += fmt::format("  <StartAfter>{}</StartAfter>\n",
                          url_encode_if(encode, q(call, "start-after")));
    if (!token.empty())
      body += fmt::format("  <ContinuationToken>{}</ContinuationToken>\n", xml_escape(token));
  } else {
    body += fmt::format("  <Marker>{}</Marker>\n", url_encode_if(encode, lq.after));
  }
  body += fmt::format("  <MaxKeys>{}</MaxKeys>\n  <Delimiter>{}</Delimiter>\n", lq.max_keys,
                      url_encode_if(encode, lq.delimiter));
  if (encode) body += "  <EncodingType>url</EncodingType>\n";
  body += fmt::format("  <IsTruncated>{}</IsTruncated>\n", list->truncated ? "true" : "false");
  if (list->truncated) {
    body += v2 ? fmt::format("  <NextContinuationToken>{}</NextContinuationToken>\n",
                             core::base64url_encode(list->next_after))
               : fmt::format("  <NextMarker>{}</NextMarker>\n",
                             url_encode_if(encode, list->next_after));
  }
  if (v2)
    body += fmt::format("  <KeyCount>{}</KeyCount>\n",
                        list->objects.size() + list->common_prefixes.size());
  bool owner = !v2 || q(call, "fetch-owner") == "true";
  for (const auto& m : list->objects) body += contents_xml(m, encode, owner);
  for (const auto& p : list->common_prefixes) {
    body += fmt::format("  <CommonPrefixes>\n    <Prefix>{}</Prefix>\n  </CommonPrefixes>\n",
                        url_encode_if(encode, p));
  }
  return xml_reply(body + "</ListBucketResult>\n");
}

Reply Emulator::list_uploads(const Call& call) {
  auto uploads = store_.uploads(call.req.bucket);
  if (!uploads.ok()) return oss_error(call, uploads.status());
  std::string prefix = q(call, "prefix");
  bool encode = q(call, "encoding-type") == "url";
  std::string body = fmt::format(
      "<ListMultipartUploadsResult>\n  <Bucket>{}</Bucket>\n  <KeyMarker></KeyMarker>\n"
      "  <UploadIdMarker></UploadIdMarker>\n  <NextKeyMarker></NextKeyMarker>\n"
      "  <NextUploadIdMarker></NextUploadIdMarker>\n  <Delimiter></Delimiter>\n  "
      "<Prefix>{}</Prefix>\n"
      "  <MaxUploads>1000</MaxUploads>\n  <IsTruncated>false</IsTruncated>\n",
      xml_escape(call.req.bucket), url_encode_if(encode, prefix));
  if (encode) body += "  <EncodingType>url</EncodingType>\n";
  for (const auto& u : *uploads) {
    if (u.key.rfind(prefix, 0) != 0) continue;
    body += fmt::format(
        "  <Upload>\n    <Key>{}</Key>\n    <UploadId>{}</UploadId>\n"
        "    <StorageClass>Standard</StorageClass>\n    <Initiated>{}</Initiated>\n  </Upload>\n",
        url_encode_if(encode, u.key), u.id, iso8601_ms(u.initiated_ms));
  }
  return xml_reply(body + "</ListMultipartUploadsResult>\n");
}

Reply Emulator::multipart(const Call& call) {
  const std::string& method = call.req.method;
  const std::string& bucket = call.req.bucket;
  const std::string& key = call.req.key;
  bool encode = q(call, "encoding-type") == "url";
  std::string encoding = encode ? "  <EncodingType>url</EncodingType>\n" : "";
  if (method == "POST" && has(call, "uploads")) {
    auto u = store_.initiate(bucket, key);
    if (!u.ok()) return oss_error(call, u.status());
    return xml_reply(
        fmt::format("<InitiateMultipartUploadResult>\n{}  <Bucket>{}</Bucket>\n  <Key>{}</Key>\n"
                    "  <UploadId>{}</UploadId>\n</InitiateMultipartUploadResult>\n",
                    encoding, xml_escape(bucket), url_encode_if(encode, key), u->id));
  }
  std::string upload_id = q(call, "uploadId");
  if (method == "PUT") {
    std::string n = q(call, "partNumber");
    if (n.empty() || n.size() > 5 || !std::all_of(n.begin(), n.end(), ::isdigit) ||
        std::stoi(n) < 1 || std::stoi(n) > 10000) {
      return oss_error(call, 400, "InvalidArgument", "partNumber must be 1..10000");
    }
    if (auto md5 = header(call, "content-md5"); md5 && *md5 != oss::content_md5(call.req.body)) {
      return oss_error(call, 400, "InvalidDigest", "The Content-MD5 you specified is not valid.");
    }
    auto part = store_.upload_part(bucket, key, upload_id, std::stoi(n), call.req.body);
    if (!part.ok()) return oss_error(call, part.status());
    Reply r;
    r.headers.emplace_back("ETag", part->etag);
    r.headers.emplace_back("Content-MD5", oss::content_md5(call.req.body));
    r.headers.emplace_back("x-oss-hash-crc64ecma", oss::crc64_header_value(part->crc64));
    return r;
  }
  if (method == "POST") {
    std::vector<std::pair<int, std::string>> wanted;
    if (header(call, "x-oss-complete-all").value_or("") == "yes") {
      auto have = store_.parts(bucket, key, upload_id);
      if (!have.ok()) return oss_error(call, have.status());
      for (const auto& p : *have) wanted.emplace_back(p.number, p.etag);
    } else {
      auto parsed = parse_complete_body(call.req.body);
      if (!parsed)
        return oss_error(call, 400, "MalformedXML", "The XML you provided was not well-formed.");
      wanted = std::move(*parsed);
    }
    auto meta = store_.complete(bucket, key, upload_id, wanted);
    if (!meta.ok()) return oss_error(call, meta.status());
    Reply r = xml_reply(
        fmt::format("<CompleteMultipartUploadResult>\n{}  <Location>http://{}/{}</Location>\n  "
                    "<Bucket>{}</Bucket>\n"
                    "  <Key>{}</Key>\n  <ETag>{}</ETag>\n</CompleteMultipartUploadResult>\n",
                    encoding, xml_escape(call.host), xml_escape(key), xml_escape(bucket),
                    url_encode_if(encode, key), meta->etag));
    r.headers.emplace_back("ETag", meta->etag);
    r.headers.emplace_back("x-oss-hash-crc64ecma", oss::crc64_header_value(meta->crc64));
    return r;
  }
  if (method == "DELETE") {
    if (Status s = store_.abort(bucket, key, upload_id); !s) return oss_error(call, s);
    Reply r;
    r.status = 204;
    return r;
  }
  if (method == "GET") {
    auto parts = store_.parts(bucket, key, upload_id);
    if (!parts.ok()) return oss_error(call, parts.status());
    std::string body = fmt::format(
        "<ListPartsResult>\n{}  <Bucket>{}</Bucket>\n  <Key>{}</Key>\n  <UploadId>{}</UploadId>\n"
        "  <PartNumberMarker>0</PartNumberMarker>\n  "
        "<NextPartNumberMarker>{}</NextPartNumberMarker>\n"
        "  <MaxParts>1000</MaxParts>\n  <IsTruncated>false</IsTruncated>\n",
        encoding, xml_escape(bucket), url_encode_if(encode, key), xml_escape(upload_id),
        parts->empty() ? 0 : parts->back().number);
    for (const auto& p : *parts) {
      body += fmt::format(
          "  <Part>\n    <PartNumber>{}</PartNumber>\n    <LastModified>{}</LastModified>\n"
          "    <ETag>{}</ETag>\n    <HashCrc64ecma>{}</HashCrc64ecma>\n    <Size>{}</Size>\n  "
          "</Part>\n",
          p.number, iso8601_ms(p.last_modified_ms), p.etag, p.crc64, p.size);
    }
    return xml_reply(body + "</ListPartsResult>\n");
  }
  return oss_error(call, 501, "NotImplemented", "This multipart operation is not emulated.");
}

}  // namespace omm::emulate

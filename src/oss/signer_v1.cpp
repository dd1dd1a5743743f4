#include "oss/signer_v1.h"

#include <algorithm>
#include <map>

#include "oss/hash.h"

namespace omm::oss {
namespace {

// Query names signed as sub-resources besides every `x-oss-*` name: oss2/auth.py
// ProviderAuth._subresource_key_set, plus regionList, style and styleName (oss_protocol.md §2.1).
// clang-format off
constexpr std::string_view kSubresources[] = {
    "acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var", "cname", "comp",
    "continuation-token", "cors", "delete", "encryption", "endTime", "group", "inventory",
    "inventoryId", "lifecycle", "link", "live", "location", "logging", "metaQuery", "objectInfo",
    "objectMeta", "partNumber", "policy", "position", "qos", "qosInfo", "referer", "regionList",
    "replication", "replicationLocation", "replicationProgress", "requestPayment",
    "resourceGroup", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language", "response-content-type",
    "response-expires", "restore", "security-token", "sequential", "startTime", "stat", "status",
    "style", "styleName", "symlink", "tagging", "transferAcceleration", "uploadId", "uploads",
    "versionId", "versioning", "versions", "vod", "website", "worm", "wormExtend", "wormId"};
// clang-format on

Status check_common(const V1Input& in, const Credentials& creds) {
  if (Status s = check_credentials(creds); !s) return s;
  if (in.request.method.empty()) return Status::error("oss.sign.method", "method is empty");
  return Status::ok();
}

// String to sign for the headers the request will carry; `date` is the date line.
std::string string_to_sign_for(const V1Input& in, const Params& headers, std::string_view date) {
  return v1_string_to_sign(in.request.method, find_header(headers, "content-md5").value_or(""),
                           find_header(headers, "content-type").value_or(""), date,
                           v1_canonical_oss_headers(headers),
                           v1_canonical_resource(in.request.bucket, in.request.key,
                                                 in.request.query, in.extra_subresources));
}

}  // namespace

bool v1_is_subresource(std::string_view name, const std::vector<std::string>& extra) {
  if (name.starts_with("x-oss-")) return true;
  if (std::find(std::begin(kSubresources), std::end(kSubresources), name) !=
      std::end(kSubresources)) {
    return true;
  }
  return std::find(extra.begin(), extra.end(), name) != extra.end();
}

std::string v1_canonical_resource(std::string_view bucket, std::string_view key,
                                  const Params& query, const std::vector<std::string>& extra) {
  std::string out = "/";
  if (!bucket.empty()) {
    out.append(bucket).append("/").append(key);
  }
  std::map<std::string, std::string> signed_params;  // sorted by name
  for (const auto& [k, v] : query) {
    if (v1_is_subresource(k, extra)) signed_params.emplace(k, v);
  }
  char sep = '?';
  for (const auto& [k, v] : signed_params) {
    out += sep;
    out += k;
    if (!v.empty()) out += "=" + v;
    sep = '&';
  }
  return out;
}

std::string v1_canonical_oss_headers(const Params& headers) {
  std::map<std::string, std::string> lines;
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (!lower.starts_with("x-oss-")) continue;
    auto [it, inserted] = lines.try_emplace(std::move(lower), trim(value));
    if (!inserted) it->second += "," + trim(value);
  }
  std::string out;
  for (const auto& [name, value] : lines) out += name + ":" + value + "\n";
  return out;
}

std::string v1_string_to_sign(std::string_view method, std::string_view content_md5,
                              std::string_view content_type, std::string_view date,
                              std::string_view canonical_oss_headers,
                              std::string_view canonical_resource) {
  std::string out;
  out.append(method).append("\n");
  out.append(content_md5).append("\n");
  out.append(content_type).append("\n");
  out.append(date).append("\n");
  out.append(canonical_oss_headers);
  out.append(canonical_resource);
  return out;
}

std::string v1_signature(std::string_view secret, std::string_view string_to_sign) {
  return base64_encode(hmac_sha1(secret, string_to_sign));
}

Result<V1Signed> sign_v1_header(const V1Input& in, const Credentials& creds) {
  if (Status s = check_common(in, creds); !s) return s;
  V1Signed out;
  if (!find_header(in.request.headers, "date")) out.headers.emplace_back("Date", rfc1123(in.time));
  if (creds.has_token()) out.headers.emplace_back("x-oss-security-token", creds.security_token);

  Params wire = in.request.headers;
  for (const auto& [name, value] : out.headers) set_header(wire, name, value);
  // OSS reads x-oss-date instead of Date when both are sent.
  const std::string date =
      find_header(wire, "x-oss-date").value_or(find_header(wire, "date").value_or(""));
  out.string_to_sign = string_to_sign_for(in, wire, date);
  out.signature = v1_signature(creds.access_key_secret, out.string_to_sign);
  out.authorization = "OSS " + creds.access_key_id + ":" + out.signature;
  out.headers.emplace_back("Authorization", out.authorization);
  out.query = in.request.query;
  out.query_string = encode_query(out.query);
  return out;
}

Result<V1Signed> presign_v1(const V1Input& in, const Credentials& creds, SignTime expires_at) {
  if (Status s = check_common(in, creds); !s) return s;
  if (unix_seconds(expires_at) <= unix_seconds(in.time)) {
    return Status::error("oss.sign.expires",
                         "expires must be after the sign time, got " +
                             std::to_string(unix_seconds(expires_at) - unix_seconds(in.time)) +
                             " seconds");
  }
  for (const char* name : {"OSSAccessKeyId", "Expires", "Signature", "security-token"}) {
    if (has_param(in.request.query, name)) {
      return Status::error("oss.sign.query", std::string("query parameter '") + name +
                                                 "' is set by the signer, not the caller");
    }
  }
  V1Input signed_in = in;  // security-token is a sub-resource: it is signed
  if (creds.has_token())
    signed_in.request.query.emplace_back("security-token", creds.security_token);
  const std::string expires = std::to_string(unix_seconds(expires_at));

  V1Signed out;
  out.string_to_sign = string_to_sign_for(signed_in, in.request.headers, expires);
  out.signature = v1_signature(creds.access_key_secret, out.string_to_sign);
  out.query = signed_in.request.query;
  out.query.emplace_back("OSSAccessKeyId", creds.access_key_id);
  out.query.emplace_back("Expires", expires);
  out.query.emplace_back("Signature", out.signature);
  std::stable_sort(out.query.begin(), out.query.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.query_string = encode_query(out.query);
  return out;
}

}  // namespace omm::oss

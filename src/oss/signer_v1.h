// OSS Signature V1 (HMAC-SHA1, `Authorization: OSS <AK>:<sig>`), header-signed and presigned
// (oss_protocol.md §2). The fallback for endpoints or tools that do not speak V4.
//
// Pure functions, no clock, no I/O, no logging; each step is public so tests compare the string
// to sign and the signature separately. Thread-safe.
//
// Honoured rules: the date line is x-oss-date when present, else Date (set from the sign time
// when the caller gave neither); Content-MD5 and Content-Type are lines of the string to sign, so
// the request must send exactly those values; the canonical resource holds the raw (not encoded)
// key and the sub-resources sorted by name with decoded values; sub-resources are every query key
// starting with `x-oss-` plus the OSS2 list (acl, uploads, uploadId, partNumber, versionId,
// security-token, response-*, ...) plus the caller's extra names; other parameters (prefix,
// max-keys, ...) are not signed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "oss/credentials.h"
#include "oss/sign_request.h"
#include "oss/sign_time.h"

namespace omm::oss {

struct V1Input {
  SignRequest request;
  SignTime time;                                // Date header when the request has none
  std::vector<std::string> extra_subresources;  // query names to sign besides the built-in list
};

struct V1Signed {
  std::string string_to_sign;
  std::string signature;  // Base64 of HMAC-SHA1
  // Header mode: headers to set besides the request's own (Date when absent,
  // x-oss-security-token with STS, Authorization). Empty when presigned.
  Params headers;
  std::string authorization;  // header mode only: "OSS <AK>:<signature>"
  // The query to send (presigned: with OSSAccessKeyId, Expires, Signature and security-token,
  // sorted by name) and its encoded form.
  Params query;
  std::string query_string;
};

bool v1_is_subresource(std::string_view name, const std::vector<std::string>& extra);
// "/bucket/key?sub=v&sub2", the key raw; "/bucket/" for a bucket, "/" with no bucket.
std::string v1_canonical_resource(std::string_view bucket, std::string_view key,
                                  const Params& query, const std::vector<std::string>& extra);
// "name:value\n" for every x-oss-* header, names lowercased and sorted.
std::string v1_canonical_oss_headers(const Params& headers);
std::string v1_string_to_sign(std::string_view method, std::string_view content_md5,
                              std::string_view content_type, std::string_view date,
                              std::string_view canonical_oss_headers,
                              std::string_view canonical_resource);
std::string v1_signature(std::string_view secret, std::string_view string_to_sign);

// Errors: [oss.sign.credentials], [oss.sign.method].
Result<V1Signed> sign_v1_header(const V1Input& in, const Credentials& creds);

// Presigned URL query expiring at `expires_at` (absolute; must be after in.time).
// Errors: as above, [oss.sign.expires], and [oss.sign.query] for OSSAccessKeyId, Expires,
// Signature or security-token already in the request's query.
Result<V1Signed> presign_v1(const V1Input& in, const Credentials& creds, SignTime expires_at);

}  // namespace omm::oss

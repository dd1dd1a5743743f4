// OSS Signature V4 (OSS4-HMAC-SHA256), header-signed and presigned (oss_protocol.md §1).
//
// Pure functions: the same input, credentials and time give the same output; no clock, no I/O,
// no logging. Every intermediate step is returned (canonical request, string to sign, signature)
// and each step is also a public function, so tests compare them against the published vectors
// one by one. Thread-safe.
//
// Honoured pitfalls (§0): the canonical URI always holds the bucket (`/bucket/key`, `/bucket/`,
// `/`); x-oss-*, content-type and content-md5 headers are always signed; an empty query value is
// written `k` (not `k=`); the date is ISO-8601 basic; the payload hash is the literal
// UNSIGNED-PAYLOAD; the region is the bare id (`cn-hangzhou`) and the product `oss`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "oss/credentials.h"
#include "oss/sign_request.h"
#include "oss/sign_time.h"

namespace omm::oss {

inline constexpr std::string_view kV4Algorithm = "OSS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr int64_t kV4MaxExpiresSeconds = 604800;  // 7 days

struct V4Input {
  SignRequest request;
  std::string region;  // bare region id: "cn-hangzhou" (not "oss-cn-hangzhou")
  std::string product = "oss";
  SignTime time;  // sign time; second precision
  // Extra headers to sign (any case). Default-signed names (x-oss-*, content-type,
  // content-md5) and names absent from or empty in the request are dropped.
  std::vector<std::string> additional_headers;
};

struct V4Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;           // 64 lowercase hex characters
  std::string scope;               // "20231216/cn-hangzhou/oss/aliyun_v4_request"
  std::string additional_headers;  // "abc;zabc", or empty
  // Header mode: the headers to set on the wire besides the request's own: x-oss-date,
  // x-oss-content-sha256, x-oss-security-token (STS) and Authorization. Empty when presigned.
  Params headers;
  std::string authorization;  // header mode only
  // The full query to send, in URL order (presigned: the request's parameters, then the
  // x-oss-* signing parameters, x-oss-signature last), and its encoded form for the URL.
  Params query;
  std::string query_string;
};

// Steps (§1.2, §1.3), each exposed for the tests.
std::string v4_canonical_uri(std::string_view bucket, std::string_view key);
// Sorted by encoded name; `k=v`, or `k` for an empty value; joined with '&'.
std::string v4_canonical_query(const Params& query);
// The AdditionalHeaders line for `names` given the headers actually sent.
std::string v4_additional_headers(const Params& headers, const std::vector<std::string>& names);
// `name:value\n` lines, names lowercased and sorted: x-oss-*, content-type, content-md5 and the
// names of `additional` (a `;` list as v4_additional_headers returns).
std::string v4_canonical_headers(const Params& headers, std::string_view additional);
std::string v4_canonical_request(std::string_view method, std::string_view canonical_uri,
                                 std::string_view canonical_query,
                                 std::string_view canonical_headers,
                                 std::string_view additional_headers);
std::string v4_scope(SignTime t, std::string_view region, std::string_view product);
std::string v4_string_to_sign(SignTime t, std::string_view scope,
                              std::string_view canonical_request);
// kSigning, raw 32 bytes (derived from "aliyun_v4" + secret).
std::string v4_signing_key(std::string_view secret, SignTime t, std::string_view region,
                           std::string_view product);

// Header-signed request. Errors: [oss.sign.credentials], [oss.sign.region], [oss.sign.method],
// [oss.sign.content_sha256] (a caller-set x-oss-content-sha256 other than UNSIGNED-PAYLOAD),
// [oss.sign.query] (a query parameter given twice).
Result<V4Signed> sign_v4_header(const V4Input& in, const Credentials& creds);

// Presigned URL query; `expires_seconds` is relative to the sign time, 1..604800.
// Errors: as above, plus [oss.sign.expires] and [oss.sign.query] for a signing parameter
// (x-oss-signature-version, x-oss-date, ...) already in the request's query.
Result<V4Signed> presign_v4(const V4Input& in, const Credentials& creds, int64_t expires_seconds);

}  // namespace omm::oss

// Signature verification for the emulator: recomputes the signature a request carries with the
// project's own pure signers (oss/signer_v4.h, signer_v1.h, signer_acs3.h) from the request as
// received and compares it.
//
// OSS requests: V4 (`Authorization: OSS4-HMAC-SHA256 Credential=...` or the presigned
// `x-oss-signature-version` query) and V1 (`Authorization: OSS AK:sig` or the presigned
// `OSSAccessKeyId/Expires/Signature` query). Header-signed requests must be within 15 minutes
// of `now`; presigned URLs must not have expired. IMM (POP) requests: ACS3-HMAC-SHA256, whose
// x-acs-content-sha256 must equal the body's hash.
//
// The result is ok or an AuthError naming the service's error code (SignatureDoesNotMatch,
// AccessDenied, InvalidAccessKeyId, ...) and the HTTP status; messages never contain the secret
// or a signature. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "oss/credentials.h"
#include "oss/sign_request.h"
#include "oss/sign_time.h"

namespace omm::emulate {

// A request as the server received it; names and values decoded, in wire order.
struct ReceivedRequest {
  std::string method;
  std::string bucket;  // OSS: empty for service-level requests
  std::string key;     // OSS: raw UTF-8 object key, empty for bucket-level requests
  oss::Params query;
  oss::Params headers;
  std::string_view body;  // hashed for IMM (x-acs-content-sha256)
};

struct AuthError {
  int http_status = 403;
  std::string code;     // "SignatureDoesNotMatch", "AccessDenied", ...
  std::string message;  // safe to return
  bool ok() const { return code.empty(); }
};

struct AuthConfig {
  oss::Credentials credentials;  // security_token set: requests must present that token
  std::string region;            // V4 scope region, e.g. "cn-hangzhou"
};

inline constexpr int64_t kMaxSkewSeconds = 15 * 60;

AuthError verify_oss_request(const ReceivedRequest& req, const AuthConfig& config,
                             oss::SignTime now);
AuthError verify_acs3_request(const ReceivedRequest& req, const AuthConfig& config,
                              oss::SignTime now);

// `Name k1=v1,k2=v2` (spaces after commas allowed) -> the value of `field`, or "".
std::string auth_field(std::string_view authorization, std::string_view field);

}  // namespace omm::emulate

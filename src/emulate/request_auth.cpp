#include "emulate/request_auth.h"

#include <spdlog/fmt/fmt.h>

#include <cstdlib>
#include <ctime>
#include <optional>

#include "oss/hash.h"
#include "oss/signer_acs3.h"
#include "oss/signer_v1.h"
#include "oss/signer_v4.h"

namespace omm::emulate {
namespace {

using oss::Params;
using oss::SignTime;

AuthError fail(int status, std::string code, std::string message) {
  return AuthError{status, std::move(code), std::move(message)};
}

AuthError mismatch(std::string_view what) {
  return fail(403, "SignatureDoesNotMatch",
              fmt::format("The request signature we calculated does not match the signature you "
                          "provided ({}). Check your key and signing method.",
                          what));
}

std::optional<SignTime> parse_time(const std::string& text, const char* format) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), format, &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return oss::from_unix_seconds(static_cast<int64_t>(::timegm(&tm)));
}

std::optional<int64_t> parse_int(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::strtoll(text.c_str(), nullptr, 10);
}

std::optional<std::string> param(const Params& query, std::string_view name) {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Params without(const Params& query, std::initializer_list<std::string_view> names) {
  Params out;
  for (const auto& kv : query) {
    bool drop = false;
    for (std::string_view n : names) drop = drop || kv.first == n;
    if (!drop) out.push_back(kv);
  }
  return out;
}

bool skewed(SignTime t, SignTime now) {
  return std::llabs(oss::unix_seconds(t) - oss::unix_seconds(now)) > kMaxSkewSeconds;
}

AuthError check_key_and_token(std::string_view access_key_id, std::optional<std::string> token,
                              const AuthConfig& config) {
  if (access_key_id != config.credentials.access_key_id) {
    return fail(403, "InvalidAccessKeyId",
                "The OSS Access Key Id you provided does not exist in our records.");
  }
  if (config.credentials.has_token() && token.value_or("") != config.credentials.security_token) {
    return fail(403, "InvalidSecurityToken", "The security token you provided is invalid.");
  }
  return {};
}

// V4, header-signed or presigned: the canonical request over everything but the signature.
AuthError verify_v4(const ReceivedRequest& req, const AuthConfig& config, SignTime now,
                    bool presigned) {
  std::string credential;
  std::string additional;
  std::string signature;
  std::string date_text;
  std::optional<std::string> token;
  if (presigned) {
    credential = param(req.query, "x-oss-credential").value_or("");
    additional = param(req.query, "x-oss-additional-headers").value_or("");
    signature = param(req.query, "x-oss-signature").value_or("");
    date_text = param(req.query, "x-oss-date").value_or("");
    token = param(req.query, "x-oss-security-token");
  } else {
    std::string auth = oss::find_header(req.headers, "authorization").value_or("");
    credential = auth_field(auth, "Credential");
    additional = auth_field(auth, "AdditionalHeaders");
    signature = auth_field(auth, "Signature");
    date_text = oss::find_header(req.headers, "x-oss-date").value_or("");
    token = oss::find_header(req.headers, "x-oss-security-token");
  }
  // Credential = AK/yyyymmdd/region/oss/aliyun_v4_request
  std::size_t slash = credential.find('/');
  if (credential.empty() || signature.empty() || slash == std::string::npos) {
    return fail(403, "AccessDenied",
                "The V4 signature is incomplete: Credential and Signature are required.");
  }
  if (AuthError e = check_key_and_token(credential.substr(0, slash), token, config); !e.ok())
    return e;
  std::optional<SignTime> t = parse_time(date_text, "%Y%m%dT%H%M%SZ");
  if (!t) return fail(403, "AccessDenied", "x-oss-date is missing or not yyyymmddThhmmssZ.");
  std::string scope = oss::v4_scope(*t, config.region, "oss");
  if (credential.substr(slash + 1) != scope) {
    return mismatch(fmt::format("the credential scope must be {}", scope));
  }
  if (presigned) {
    std::optional<int64_t> expires = parse_int(param(req.query, "x-oss-expires").value_or(""));
    if (!expires || *expires < 1 || *expires > oss::kV4MaxExpiresSeconds) {
      return fail(400, "InvalidArgument", "x-oss-expires must be 1..604800 seconds.");
    }
    if (oss::unix_seconds(*t) + *expires < oss::unix_seconds(now)) {
      return fail(403, "AccessDenied", "Request has expired.");
    }
  } else {
    if (skewed(*t, now)) {
      return fail(403, "RequestTimeTooSkewed",
                  "The difference between the request time and the current time is too large.");
    }
    std::optional<std::string> sha = oss::find_header(req.headers, "x-oss-content-sha256");
    if (sha && *sha != oss::kUnsignedPayload) {
      return fail(400, "InvalidArgument", "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.");
    }
  }
  std::string canonical =
      oss::v4_canonical_request(req.method, oss::v4_canonical_uri(req.bucket, req.key),
                                oss::v4_canonical_query(without(req.query, {"x-oss-signature"})),
                                oss::v4_canonical_headers(req.headers, additional), additional);
  std::string key =
      oss::v4_signing_key(config.credentials.access_key_secret, *t, config.region, "oss");
  std::string expected =
      oss::hex_lower(oss::hmac_sha256(key, oss::v4_string_to_sign(*t, scope, canonical)));
  if (expected != signature) return mismatch("OSS4-HMAC-SHA256");
  return {};
}

AuthError verify_v1(const ReceivedRequest& req, const AuthConfig& config, SignTime now,
                    bool presigned) {
  std::string access_key_id;
  std::string signature;
  std::string date;
  Params query = req.query;
  std::optional<std::string> token;
  if (presigned) {
    access_key_id = param(req.query, "OSSAccessKeyId").value_or("");
    signature = param(req.query, "Signature").value_or("");
    date = param(req.query, "Expires").value_or("");
    token = param(req.query, "security-token");
    std::optional<int64_t> expires = parse_int(date);
    if (!expires) return fail(403, "AccessDenied", "Expires must be a unix time in seconds.");
    if (*expires < oss::unix_seconds(now)) return fail(403, "AccessDenied", "Request has expired.");
    query = without(req.query, {"OSSAccessKeyId", "Signature", "Expires"});
  } else {
    std::string auth = oss::find_header(req.headers, "authorization").value_or("");
    std::size_t colon = auth.rfind(':');
    if (colon == std::string::npos || colon < 4) {
      return fail(403, "AccessDenied", "Authorization must read 'OSS <AccessKeyId>:<Signature>'.");
    }
    access_key_id = oss::trim(auth.substr(4, colon - 4));
    signature = auth.substr(colon + 1);
    token = oss::find_header(req.headers, "x-oss-security-token");
    date = oss::find_header(req.headers, "x-oss-date")
               .value_or(oss::find_header(req.headers, "date").value_or(""));
    std::optional<SignTime> t = parse_time(date, "%a, %d %b %Y %H:%M:%S GMT");
    if (!t) return fail(403, "AccessDenied", "The Date header is missing or not RFC 1123 GMT.");
    if (skewed(*t, now)) {
      return fail(403, "RequestTimeTooSkewed",
                  "The difference between the request time and the current time is too large.");
    }
  }
  if (AuthError e = check_key_and_token(access_key_id, token, config); !e.ok()) return e;
  std::string string_to_sign =
      oss::v1_string_to_sign(req.method, oss::find_header(req.headers, "content-md5").value_or(""),
                             oss::find_header(req.headers, "content-type").value_or(""), date,
                             oss::v1_canonical_oss_headers(req.headers),
                             oss::v1_canonical_resource(req.bucket, req.key, query, {}));
  if (oss::v1_signature(config.credentials.access_key_secret, string_to_sign) != signature) {
    return mismatch("OSS V1 HMAC-SHA1");
  }
  return {};
}

}  // namespace

std::string auth_field(std::string_view authorization, std::string_view field) {
  std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return {};
  std::string_view rest = authorization.substr(space + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find(',', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string item = oss::trim(rest.substr(start, end - start));
    std::size_t eq = item.find('=');
    if (eq != std::string::npos && std::string_view(item).substr(0, eq) == field) {
      return item.substr(eq + 1);
    }
    start = end + 1;
  }
  return {};
}

AuthError verify_oss_request(const ReceivedRequest& req, const AuthConfig& config, SignTime now) {
  std::string auth = oss::find_header(req.headers, "authorization").value_or("");
  if (auth.rfind("OSS4-HMAC-SHA256 ", 0) == 0) return verify_v4(req, config, now, false);
  if (auth.rfind("OSS ", 0) == 0) return verify_v1(req, config, now, false);
  if (!auth.empty()) {
    return fail(400, "InvalidArgument", "Authorization must be OSS4-HMAC-SHA256 or OSS (V1).");
  }
  if (std::optional<std::string> v = param(req.query, "x-oss-signature-version")) {
    if (*v != oss::kV4Algorithm) {
      return fail(400, "InvalidArgument", "x-oss-signature-version must be OSS4-HMAC-SHA256.");
    }
    return verify_v4(req, config, now, true);
  }
  if (oss::has_param(req.query, "OSSAccessKeyId") || oss::has_param(req.query, "Signature")) {
    return verify_v1(req, config, now, true);
  }
  return fail(403, "AccessDenied",
              "You have no right to access this object: anonymous requests are refused.");
}

AuthError verify_acs3_request(const ReceivedRequest& req, const AuthConfig& config, SignTime now) {
  std::string auth = oss::find_header(req.headers, "authorization").value_or("");
  if (auth.rfind("ACS3-HMAC-SHA256 ", 0) != 0) {
    return fail(400, "IncompleteSignature",
                "The request must be signed with ACS3-HMAC-SHA256 (Authorization header).");
  }
  std::string signature = auth_field(auth, "Signature");
  std::string signed_headers = auth_field(auth, "SignedHeaders");
  if (auth_field(auth, "Credential") != config.credentials.access_key_id) {
    return fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  }
  if (config.credentials.has_token() &&
      oss::find_header(req.headers, "x-acs-security-token").value_or("") !=
          config.credentials.security_token) {
    return fail(400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken is invalid.");
  }
  std::optional<SignTime> t =
      parse_time(oss::find_header(req.headers, "x-acs-date").value_or(""), "%Y-%m-%dT%H:%M:%SZ");
  if (!t || skewed(*t, now)) {
    return fail(400, "InvalidTimeStamp.Expired",
                "x-acs-date is missing or more than 15 minutes from the server time.");
  }
  std::string payload = oss::find_header(req.headers, "x-acs-content-sha256").value_or("");
  if (payload != oss::sha256_hex(req.body)) {
    return fail(400, "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the body.");
  }
  // pathname "/": built as std::string(1, '/') because assigning the literal trips GCC 12's
  // -Wrestrict false positive.
  oss::Acs3Input in{req.method, std::string(1, '/'), req.query, {}, payload};
  const std::string list = fmt::format(";{};", signed_headers);
  for (const auto& [name, value] : req.headers) {
    std::string lower = omm::to_lower(name);
    if (list.find(fmt::format(";{};", lower)) != std::string::npos)
      in.headers.emplace_back(lower, value);
  }
  auto expected = oss::sign_acs3(in, config.credentials);
  if (!expected.ok() || expected->signature != signature ||
      expected->signed_headers != signed_headers) {
    return fail(400, "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.");
  }
  return {};
}

}  // namespace omm::emulate

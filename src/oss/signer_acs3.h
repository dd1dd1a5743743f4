// Alibaba Cloud POP signature V3 (ACS3-HMAC-SHA256), used for the IMM OpenAPI
// (oss_protocol.md §5.3).
//
// Two levels: sign_acs3 signs exactly the method, path, query and headers it is given (the level
// the published vectors test); sign_pop_v3 first adds the headers an RPC call needs (host,
// x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256 and, with
// STS, x-acs-security-token and x-acs-accesskey-id) and then signs. The nonce comes from the
// caller, so both are pure functions: no clock, no randomness, no I/O, no logging. Thread-safe.
//
// Unlike OSS V4, an empty query value keeps its '=' (`empty=`), and the signing key is the
// secret itself (no derivation).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "oss/credentials.h"
#include "oss/sign_request.h"
#include "oss/sign_time.h"

namespace omm::oss {

inline constexpr std::string_view kAcs3Algorithm = "ACS3-HMAC-SHA256";

struct Acs3Input {
  std::string method;          // may be empty (the published vector signs an unset method)
  std::string pathname;        // empty means "/"
  Params query;                // decoded
  Params headers;              // host, content-type and x-acs-* are signed; others are ignored
  std::string hashed_payload;  // lowercase hex SHA-256 of the body, written as given
};

struct Acs3Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // 64 lowercase hex characters
  std::string signed_headers;  // "host;x-acs-action;..."
  std::string authorization;
  // sign_pop_v3 only: every header to send (the added ones, the request's own, Authorization).
  Params headers;
};

// Keys sorted, `enc(k)=enc(v)` (the '=' kept for empty values), joined with '&'.
std::string acs3_canonical_query(const Params& query);
// Lines `name:value\n` for host, content-type and x-acs-* (names lowercased and sorted; several
// values of one name sorted and joined with ','); `signed_headers` receives the names joined
// with ';'.
std::string acs3_canonical_headers(const Params& headers, std::string* signed_headers);

// Errors: [oss.sign.credentials].
Result<Acs3Signed> sign_acs3(const Acs3Input& in, const Credentials& creds);

struct PopRequest {
  std::string method = "POST";
  std::string host;     // "imm.cn-hangzhou.aliyuncs.com"
  std::string action;   // "CreateMediaConvertTask"
  std::string version;  // "2020-09-30"
  Params query;         // the action's parameters (IMM sends all of them in the query)
  Params headers;       // extra headers (content-type with a body, accept, ...)
  std::string body;
  SignTime time;
  std::string nonce;  // unique per request; the caller's random source
};

// Errors: [oss.sign.credentials], [oss.sign.pop] naming the empty field (host, action, version,
// nonce).
Result<Acs3Signed> sign_pop_v3(const PopRequest& req, const Credentials& creds);

}  // namespace omm::oss

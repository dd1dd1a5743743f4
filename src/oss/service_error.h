// The one mapping from a service's error answer to a Status (oss_protocol.md §3.6, §5.5).
//
// OSS: a non-2xx answer carries <Error><Code/><Message/><RequestId/><EC/>…</Error> in its body,
// or — HEAD has no body — base64 in the x-oss-err header (EC also in x-oss-ec). It becomes
// [oss.<Code>] "<Message> (HTTP 404, RequestId …, EC …)"; nothing parseable gives
// [oss.BadErrorResponse]. IMM / POP: a JSON body {"Code","Message","RequestId"} (either case of
// the first letter; an <Error> XML body is read too) becomes [imm.<Code>] the same way.
// SignatureProvided, StringToSign and every other field are never copied into the message.
// Transport failures (http_client.h ids) become [<product>.network] with the transport's message.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "oss/sign_request.h"

namespace omm::oss {

struct ServiceError {
  int http_status = 0;
  std::string code;  // "NoSuchKey", "Throttling.User", or "BadErrorResponse"
  std::string message;
  std::string request_id;
  std::string ec;  // OSS only: "0026-00000001"
};

ServiceError parse_oss_error(int http_status, const Params& headers, std::string_view body);
ServiceError parse_pop_error(int http_status, const Params& headers, std::string_view body);

// [<prefix>.<Code>]; `context` (e.g. "GetObject bucket/key") opens the message when not empty.
// Characters outside [A-Za-z0-9._-] in the code become '_'.
Status service_status(std::string_view prefix, const ServiceError& e, std::string_view context);
// [<prefix>.network] from an http.* transport failure (http.canceled and http.file keep theirs).
Status network_status(std::string_view prefix, const Status& transport_failure);

// The request id of a response: x-oss-request-id or x-acs-request-id, else "".
std::string response_request_id(const Params& headers);

}  // namespace omm::oss

// Alibaba Cloud POP RPC signature (HMAC-SHA1, "signature version 1.0"; oss_protocol.md §5.4).
// Superseded by ACS3 for IMM, but STS AssumeRole is still signed this way.
//
// The caller supplies every parameter (Action, Version, Format, AccessKeyId, SignatureMethod,
// SignatureVersion, SignatureNonce, Timestamp, SecurityToken, the action's own and, for a form
// POST, the body's); the functions never add or log any. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "oss/sign_request.h"

namespace omm::oss {

// All parameters but `Signature`, keys sorted, `enc(k)=enc(v)` joined with '&'.
std::string rpc_canonical_query(const Params& params);
// METHOD + "&%2F&" + enc(canonical query): the query is encoded a second time.
std::string rpc_string_to_sign(std::string_view method, const Params& params);
// Base64 of HMAC-SHA1 keyed with secret + "&".
std::string rpc_signature(std::string_view method, const Params& params,
                          std::string_view access_key_secret);

}  // namespace omm::oss

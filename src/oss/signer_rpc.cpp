#include "oss/signer_rpc.h"

#include "oss/hash.h"
#include "oss/percent_encode.h"
#include "oss/signer_acs3.h"

namespace omm::oss {

std::string rpc_canonical_query(const Params& params) {
  Params without_signature;
  for (const auto& p : params) {
    if (p.first != "Signature") without_signature.push_back(p);
  }
  // The same sorted, percent-encoded form as ACS3's canonical query.
  return acs3_canonical_query(without_signature);
}

std::string rpc_string_to_sign(std::string_view method, const Params& params) {
  return std::string(method) + "&" + percent_encode("/") + "&" +
         percent_encode(rpc_canonical_query(params));
}

std::string rpc_signature(std::string_view method, const Params& params,
                          std::string_view access_key_secret) {
  return base64_encode(
      hmac_sha1(std::string(access_key_secret) + "&", rpc_string_to_sign(method, params)));
}

}  // namespace omm::oss

#include "oss/signer_rpc.h"

#include <algorithm>

#include "oss/hash.h"
#include "oss/percent_encode.h"

namespace omm::oss {

std::string rpc_canonical_query(const Params& params) {
  Params sorted;
  for (const auto& p : params) {
    if (p.first != "Signature") sorted.push_back(p);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
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

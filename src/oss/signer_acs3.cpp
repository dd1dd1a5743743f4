#include "oss/signer_acs3.h"

#include <algorithm>
#include <map>
#include <vector>

#include "oss/hash.h"
#include "oss/percent_encode.h"

namespace omm::oss {
namespace {

bool is_signed_header(std::string_view lower_name) {
  return lower_name == "host" || lower_name == "content-type" || lower_name.starts_with("x-acs-");
}

}  // namespace

std::string acs3_canonical_query(const Params& query) {
  Params sorted = query;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

std::string acs3_canonical_headers(const Params& headers, std::string* signed_headers) {
  std::map<std::string, std::vector<std::string>> values;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (is_signed_header(lower)) values[lower].push_back(trim(value));
  }
  std::string out;
  std::string names;
  for (auto& [name, list] : values) {
    std::sort(list.begin(), list.end());
    std::string joined;
    for (const auto& v : list) joined += (joined.empty() ? "" : ",") + v;
    out += name + ":" + joined + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  if (signed_headers) *signed_headers = names;
  return out;
}

Result<Acs3Signed> sign_acs3(const Acs3Input& in, const Credentials& creds) {
  if (Status s = check_credentials(creds); !s) return s;
  Acs3Signed out;
  const std::string canonical_headers = acs3_canonical_headers(in.headers, &out.signed_headers);
  out.canonical_request = in.method + "\n" + (in.pathname.empty() ? "/" : in.pathname) + "\n" +
                          acs3_canonical_query(in.query) + "\n" + canonical_headers + "\n" +
                          out.signed_headers + "\n" + in.hashed_payload;
  out.string_to_sign = std::string(kAcs3Algorithm) + "\n" + sha256_hex(out.canonical_request);
  out.signature = hex_lower(hmac_sha256(creds.access_key_secret, out.string_to_sign));
  out.authorization = std::string(kAcs3Algorithm) + " Credential=" + creds.access_key_id +
                      ",SignedHeaders=" + out.signed_headers + ",Signature=" + out.signature;
  return out;
}

Result<Acs3Signed> sign_pop_v3(const PopRequest& req, const Credentials& creds) {
  if (Status s = check_credentials(creds); !s) return s;
  for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"host", req.host},
                                     {"action", req.action},
                                     {"version", req.version},
                                     {"nonce", req.nonce}}) {
    if (value.empty()) return Status::error("oss.sign.pop", std::string(field) + " is empty");
  }
  Acs3Input in;
  in.method = req.method;
  in.pathname = "/";
  in.query = req.query;
  in.hashed_payload = sha256_hex(req.body);
  in.headers = {
      {"host", req.host},
      {"x-acs-action", req.action},
      {"x-acs-version", req.version},
      {"x-acs-date", iso8601_extended(req.time)},
      {"x-acs-signature-nonce", req.nonce},
      {"x-acs-content-sha256", in.hashed_payload},
  };
  if (creds.has_token()) {
    in.headers.emplace_back("x-acs-security-token", creds.security_token);
    in.headers.emplace_back("x-acs-accesskey-id", creds.access_key_id);
  }
  for (const auto& h : req.headers) set_header(in.headers, h.first, h.second);

  auto signed_result = sign_acs3(in, creds);
  if (!signed_result) return signed_result;
  Acs3Signed out = std::move(signed_result).value();
  out.headers = std::move(in.headers);
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace omm::oss

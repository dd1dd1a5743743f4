#include "oss/signer_v4.h"

#include <algorithm>
#include <map>
#include <set>

#include "oss/hash.h"
#include "oss/percent_encode.h"

namespace omm::oss {
namespace {

constexpr std::string_view kTerminator = "aliyun_v4_request";
constexpr const char* kPresignParams[] = {
    "x-oss-signature-version",  "x-oss-date",           "x-oss-expires",
    "x-oss-credential",         "x-oss-security-token", "x-oss-signature",
    "x-oss-additional-headers",
};

bool is_default_signed(std::string_view lower_name) {
  return lower_name.starts_with("x-oss-") || lower_name == "content-type" ||
         lower_name == "content-md5";
}

// The checks both modes share.
Status check_input(const V4Input& in, const Credentials& creds) {
  if (Status s = check_credentials(creds); !s) return s;
  if (in.region.empty() || in.region.find('/') != std::string::npos ||
      in.region.starts_with("oss-")) {
    return Status::error(
        "oss.sign.region",
        "region must be a bare region id such as cn-hangzhou, got '" + in.region + "'");
  }
  if (in.product.empty()) return Status::error("oss.sign.product", "product is empty");
  if (in.request.method.empty()) return Status::error("oss.sign.method", "method is empty");
  if (auto sha = find_header(in.request.headers, "x-oss-content-sha256");
      sha && *sha != kUnsignedPayload) {
    return Status::error("oss.sign.content_sha256",
                         "x-oss-content-sha256 must be UNSIGNED-PAYLOAD, got '" + *sha + "'");
  }
  std::set<std::string_view> seen;
  for (const auto& p : in.request.query) {
    if (!seen.insert(p.first).second) {
      return Status::error("oss.sign.query", "query parameter '" + p.first + "' appears twice");
    }
  }
  return Status::ok();
}

// Canonical request → string to sign → signature, filling the step fields of `out`.
void sign_steps(const V4Input& in, const Credentials& creds, const Params& headers,
                const Params& query, V4Signed& out) {
  out.additional_headers = v4_additional_headers(headers, in.additional_headers);
  out.canonical_request = v4_canonical_request(
      in.request.method, v4_canonical_uri(in.request.bucket, in.request.key),
      v4_canonical_query(query), v4_canonical_headers(headers, out.additional_headers),
      out.additional_headers);
  out.scope = v4_scope(in.time, in.region, in.product);
  out.string_to_sign = v4_string_to_sign(in.time, out.scope, out.canonical_request);
  const std::string key = v4_signing_key(creds.access_key_secret, in.time, in.region, in.product);
  out.signature = hex_lower(hmac_sha256(key, out.string_to_sign));
}

}  // namespace

std::string v4_canonical_uri(std::string_view bucket, std::string_view key) {
  std::string uri = "/";
  if (!bucket.empty()) {
    uri += bucket;
    uri += '/';
    uri += key;
  }
  return percent_encode(uri, Slash::kKeep);
}

std::string v4_canonical_query(const Params& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(percent_encode(k), percent_encode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    if (!v.empty()) {
      out += '=';
      out += v;
    }
  }
  return out;
}

std::string v4_additional_headers(const Params& headers, const std::vector<std::string>& names) {
  std::set<std::string> kept;
  for (const auto& name : names) {
    std::string lower = to_lower(trim(name));
    if (lower.empty() || is_default_signed(lower)) continue;
    auto value = find_header(headers, lower);
    if (!value || value->empty()) continue;
    kept.insert(std::move(lower));
  }
  std::string out;
  for (const auto& name : kept) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string v4_canonical_headers(const Params& headers, std::string_view additional) {
  std::set<std::string, std::less<>> extra;
  for (size_t start = 0; start < additional.size();) {
    const size_t end = std::min(additional.find(';', start), additional.size());
    extra.emplace(additional.substr(start, end - start));
    start = end + 1;
  }
  std::map<std::string, std::string> lines;  // sorted by lowercase name; values merged
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (!is_default_signed(lower) && !extra.contains(lower)) continue;
    auto [it, inserted] = lines.try_emplace(std::move(lower), trim(value));
    if (!inserted) it->second += "," + trim(value);
  }
  std::string out;
  for (const auto& [name, value] : lines) out += name + ":" + value + "\n";
  return out;
}

std::string v4_canonical_request(std::string_view method, std::string_view canonical_uri,
                                 std::string_view canonical_query,
                                 std::string_view canonical_headers,
                                 std::string_view additional_headers) {
  std::string out;
  out.append(method).append("\n");
  out.append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  out.append(canonical_headers).append("\n");  // each line ends in \n: a blank line follows
  out.append(additional_headers).append("\n");
  out.append(kUnsignedPayload);
  return out;
}

std::string v4_scope(SignTime t, std::string_view region, std::string_view product) {
  std::string out = yyyymmdd(t);
  out.append("/").append(region).append("/").append(product).append("/").append(kTerminator);
  return out;
}

std::string v4_string_to_sign(SignTime t, std::string_view scope,
                              std::string_view canonical_request) {
  std::string out(kV4Algorithm);
  out.append("\n").append(iso8601_basic(t)).append("\n").append(scope).append("\n");
  out.append(sha256_hex(canonical_request));
  return out;
}

std::string v4_signing_key(std::string_view secret, SignTime t, std::string_view region,
                           std::string_view product) {
  const std::string k_date = hmac_sha256("aliyun_v4" + std::string(secret), yyyymmdd(t));
  const std::string k_region = hmac_sha256(k_date, region);
  const std::string k_product = hmac_sha256(k_region, product);
  return hmac_sha256(k_product, kTerminator);
}

Result<V4Signed> sign_v4_header(const V4Input& in, const Credentials& creds) {
  if (Status s = check_input(in, creds); !s) return s;
  V4Signed out;
  out.headers.emplace_back("x-oss-date", iso8601_basic(in.time));
  out.headers.emplace_back("x-oss-content-sha256", std::string(kUnsignedPayload));
  if (creds.has_token()) out.headers.emplace_back("x-oss-security-token", creds.security_token);

  Params wire = in.request.headers;  // what will be sent: the request's headers with ours on top
  for (const auto& [name, value] : out.headers) set_header(wire, name, value);
  out.query = in.request.query;
  out.query_string = encode_query(out.query);
  sign_steps(in, creds, wire, out.query, out);

  out.authorization =
      std::string(kV4Algorithm) + " Credential=" + creds.access_key_id + "/" + out.scope;
  if (!out.additional_headers.empty()) {
    out.authorization += ",AdditionalHeaders=" + out.additional_headers;
  }
  out.authorization += ",Signature=" + out.signature;
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

Result<V4Signed> presign_v4(const V4Input& in, const Credentials& creds, int64_t expires_seconds) {
  if (Status s = check_input(in, creds); !s) return s;
  if (expires_seconds < 1 || expires_seconds > kV4MaxExpiresSeconds) {
    return Status::error("oss.sign.expires", "expires must be 1..604800 seconds, got " +
                                                 std::to_string(expires_seconds));
  }
  for (const char* name : kPresignParams) {
    if (has_param(in.request.query, name)) {
      return Status::error("oss.sign.query", std::string("query parameter '") + name +
                                                 "' is set by the signer, not the caller");
    }
  }
  V4Signed out;
  out.scope = v4_scope(in.time, in.region, in.product);
  out.query = in.request.query;
  out.query.emplace_back("x-oss-signature-version", std::string(kV4Algorithm));
  out.query.emplace_back("x-oss-date", iso8601_basic(in.time));
  out.query.emplace_back("x-oss-expires", std::to_string(expires_seconds));
  out.query.emplace_back("x-oss-credential", creds.access_key_id + "/" + out.scope);
  if (creds.has_token()) out.query.emplace_back("x-oss-security-token", creds.security_token);
  const std::string additional = v4_additional_headers(in.request.headers, in.additional_headers);
  if (!additional.empty()) out.query.emplace_back("x-oss-additional-headers", additional);

  sign_steps(in, creds, in.request.headers, out.query, out);
  out.query.emplace_back("x-oss-signature", out.signature);
  out.query_string = encode_query(out.query);
  return out;
}

}  // namespace omm::oss

// Digests, MACs and encodings the signers need: SHA-256, MD5, HMAC-SHA256, HMAC-SHA1, lowercase
// hex and standard Base64 (with padding). OpenSSL's libcrypto is used only inside hash.cpp.
// Pure functions of their arguments; thread-safe. Raw digests are returned as byte strings.
#pragma once

#include <string>
#include <string_view>

namespace omm::oss {

std::string sha256(std::string_view data);      // 32 raw bytes
std::string sha256_hex(std::string_view data);  // 64 lowercase hex characters
std::string md5(std::string_view data);         // 16 raw bytes

// MD5 of data given in pieces (a file read in slices): update() any number of times, then
// digest() once (16 raw bytes, as md5() of the concatenation).
class Md5Stream {
 public:
  Md5Stream();
  ~Md5Stream();
  Md5Stream(const Md5Stream&) = delete;
  Md5Stream& operator=(const Md5Stream&) = delete;
  void update(std::string_view data);
  std::string digest();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// HMAC with the given raw key; 32 (SHA-256) or 20 (SHA-1) raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha1(std::string_view key, std::string_view data);

std::string hex_lower(std::string_view bytes);
// RFC 4648 Base64 with '+', '/' and '=' padding (not the URL-safe form of core/base64url.h).
std::string base64_encode(std::string_view bytes);

// The Content-MD5 header value of a body: Base64 of the raw MD5 digest.
std::string content_md5(std::string_view body);

}  // namespace omm::oss

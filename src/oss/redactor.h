// The redaction boundary (DESIGN.md "Redaction"): every string that leaves the process — an MCP
// message, a log line — passes a Redactor first, so no credential or signature reaches a client or
// a log.
//
// What is removed (replaced by `<redacted>`):
// - the value of every signing parameter, in query form (`name=value`, also `%3D` / `%26`
//   inside an encoded URL), header form (`name: value`, values of 16+ token characters only, so
//   prose like "Signature: does not match" stays) and JSON form (`"name":"value"`, escaped quotes
//   too): OSSAccessKeyId, Signature, Credential, x-oss-credential, x-oss-signature,
//   x-oss-security-token, x-acs-security-token, security-token, SecurityToken, AccessKeyId,
//   AccessKeySecret, access_key_id, access_key_secret, security_token and the OSS_/ALIBABA_CLOUD_
//   environment names. Names match case-insensitively and only as whole words (SignatureMethod,
//   SignatureNonce, x-oss-signature-version, x-oss-date, Expires stay: they are not secrets).
// - Authorization header values: `OSS4-HMAC-SHA256 …`, `ACS3-HMAC-SHA256 …`, `OSS ak:sig`,
//   anything else; the scheme word is kept, the rest of the value up to the end of the line or
//   string goes. A bare `OSS <ak>:<base64 SHA-1>` is removed too.
// - the live secret values (access key id, secret, STS token) anywhere, in any mix of encodings:
//   raw, percent-encoded (either hex case, encoded twice), `+` read back as a space, JSON-escaped
//   (`\/`, `\u00XX`). Values shorter than kMinLiveLength are not searched as free text (they
//   would match ordinary words); their parameter forms above still go.
//
// Thread-safe: set_credentials may run while other threads redact (a credential refresh). The
// values of the last kGenerations credential sets stay redacted, so a message built with a token
// that was just replaced is still cleaned.
#pragma once

#include <spdlog/sinks/sink.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "oss/credentials.h"

namespace omm::oss {

inline constexpr std::string_view kRedacted = "<redacted>";

class Redactor {
 public:
  static constexpr std::size_t kMinLiveLength = 8;
  static constexpr std::size_t kGenerations = 4;

  Redactor() = default;
  explicit Redactor(const Credentials& creds) { set_credentials(creds); }

  // Adds the current credentials (a refresh); the oldest of kGenerations sets is dropped.
  void set_credentials(const Credentials& creds);
  // Adds one more value to hide (e.g. a secret of another service).
  void add_secret(std::string_view value);
  void clear();

  std::string redact(std::string_view text) const;
  // Every string in place: values and object keys; the value of a member whose key is a signing
  // parameter name is redacted whatever it holds.
  void redact_json(nlohmann::json& j) const;

 private:
  using Values = std::vector<std::string>;
  std::shared_ptr<const Values> snapshot() const;
  void publish_locked();

  mutable std::shared_mutex mu_;
  std::vector<Values> generations_;  // newest last
  Values extra_;
  std::shared_ptr<const Values> live_ = std::make_shared<Values>();
};

// Parameter forms only (no live values): what Redactor::redact does with no credentials set.
std::string redact_parameters(std::string_view text);

// A spdlog sink that redacts the formatted message of each record and forwards it to `inner`.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  RedactingSink(std::shared_ptr<const Redactor> redactor, spdlog::sink_ptr inner);
  void log(const spdlog::details::log_msg& msg) override;
  void flush() override;
  void set_pattern(const std::string& pattern) override;
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override;
  const spdlog::sink_ptr& inner() const { return inner_; }

 private:
  std::shared_ptr<const Redactor> redactor_;
  spdlog::sink_ptr inner_;
};

// Wraps every sink of every registered logger (the default one included) in a RedactingSink;
// sinks already wrapped are left alone, so calling it twice is harmless. Loggers created later
// must be built on wrapped sinks (see wrap_sinks). Call at startup, before worker threads log.
void install_redacting_logging(std::shared_ptr<const Redactor> redactor);
std::vector<spdlog::sink_ptr> wrap_sinks(const std::vector<spdlog::sink_ptr>& sinks,
                                         const std::shared_ptr<const Redactor>& redactor);

}  // namespace omm::oss

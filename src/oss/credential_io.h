// The outside world the credential providers see, behind interfaces so tests need no network,
// no real home directory and no real clock: Env (variables, home dir, file reads), HttpFetcher
// (one HTTP exchange) and Clock. SystemEnv / SystemClock are the real ones; a real HttpFetcher
// lives with the HTTP client of the oss backend. Implementations must be thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "oss/sign_request.h"
#include "oss/sign_time.h"

namespace omm::oss {

class Env {
 public:
  virtual ~Env() = default;
  // nullopt when unset; an empty value counts as unset for every variable the chain reads.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  virtual std::string home() const = 0;
  // nullopt when the file does not exist or cannot be read.
  virtual std::optional<std::string> read_file(const std::string& path) const = 0;
};

struct HttpRequest {
  std::string method;  // "GET", "PUT", "POST"
  std::string url;     // absolute, query included
  Params headers;
  std::string body;
  int timeout_ms = 1000;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // An error Status only for transport failures; any HTTP status is a response.
  virtual Result<HttpResponse> fetch(const HttpRequest& request) = 0;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SignTime now() const = 0;
};

class SystemEnv final : public Env {
 public:
  std::optional<std::string> get(std::string_view name) const override;
  std::string home() const override;  // $HOME, else the passwd entry
  std::optional<std::string> read_file(const std::string& path) const override;
};

class SystemClock final : public Clock {
 public:
  SignTime now() const override;
};

// "2015-04-09T11:52:19Z" → time point; nullopt when malformed.
std::optional<SignTime> parse_iso8601_utc(std::string_view text);

}  // namespace omm::oss

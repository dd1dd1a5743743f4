// Shared by the OSS / IMM client tests: client options pointed at the fake server, a scratch
// directory, file helpers and an HttpClient wrapper that injects connection failures.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "fake_oss_server.h"
#include "oss/http_client.h"
#include "oss/oss_client.h"

namespace omm::oss::testing {

inline OssClientOptions client_options(const FakeOssServer& server) {
  OssClientOptions o;
  o.region = kTestRegion;
  o.bucket = "bkt";
  o.endpoint = server.endpoint();
  o.retry = RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
  o.timeouts.connect = std::chrono::milliseconds(2000);
  o.timeouts.read = std::chrono::milliseconds(5000);
  return o;
}

inline CredentialSource fixed(Credentials c = kTestCreds) {
  return [c] { return Result<Credentials>(c); };
}

// The first `fail` sends report http.connect (nothing sent); then the real transport.
class ConnectFaults final : public HttpClient {
 public:
  explicit ConnectFaults(HttpClient& inner) : inner_(inner) {}
  std::atomic<int> fail{0};
  std::atomic<int> sends{0};
  Result<Reply> send(const Exchange& ex) override {
    ++sends;
    if (fail > 0 && fail-- > 0) return Status::error("http.connect", "injected connect failure");
    return inner_.send(ex);
  }

 private:
  HttpClient& inner_;
};

// A directory under /tmp removed with everything in it at the end of the test.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("omm-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  size_t entries() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(path)) n += e.exists() ? 1 : 0;
    return n;
  }
};

inline void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Deterministic bytes that differ per position (so misplaced parts are caught).
inline std::string pattern(size_t size, unsigned seed = 1) {
  std::string s(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace omm::oss::testing

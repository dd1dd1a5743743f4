#include "local/file_links.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "core/base64url.h"
#include "local/dir_store.h"

namespace omm::local {

namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr std::uint64_t kMaxPlaylistBytes = 4u << 20;

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~' || c == '/';
}

std::string percent_encode_path(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// A key names a file below the served directory: no "..", no leading '/', no control bytes.
bool key_ok(std::string_view key) {
  if (key.empty() || key.size() > 1023 || key.front() == '/') return false;
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) slash = key.size();
    std::string_view seg = key.substr(start, slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = slash + 1;
  }
  return true;
}

void plain(httplib::Response& res, int status, const Status& s) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(s.to_string() + "\n", "text/plain; charset=utf-8");
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FileLinks::FileLinks(std::string secret) : secret_(std::move(secret)) {
  if (secret_.empty()) {
    secret_.resize(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret_.data()), 32) != 1) {
      std::random_device rd;  // OpenSSL's generator failed: the OS's is the fallback
      for (auto& c : secret_) c = static_cast<char>(rd());
    }
  }
}

void FileLinks::set_base_url(std::string base) {
  std::lock_guard<std::mutex> lock(mu_);
  base_ = std::move(base);
}

std::string FileLinks::base_url() const {
  std::lock_guard<std::mutex> lock(mu_);
  return base_;
}

std::string FileLinks::token(std::string_view key, std::int64_t expires) const {
  std::string message = std::string(key) + "\n" + std::to_string(expires);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::string FileLinks::path_for(std::string_view key, std::int64_t expires) const {
  return fmt::format("/files/{}?expires={}&token={}", percent_encode_path(key), expires,
                     token(key, expires));
}

std::string FileLinks::url_for(std::string_view key, std::int64_t expires) const {
  return base_url() + path_for(key, expires);
}

Status FileLinks::verify(std::string_view key, std::string_view expires,
                         std::string_view token_text, std::int64_t now) const {
  bool digits = !expires.empty() && expires.size() <= 18;
  for (char c : expires) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    return Status::error("files.bad_token", "the link has no valid expires parameter");
  }
  std::int64_t at = std::stoll(std::string(expires));
  std::string want = token(key, at);
  if (token_text.size() != want.size() ||
      CRYPTO_memcmp(want.data(), token_text.data(), want.size()) != 0) {
    return Status::error("files.bad_token", "the link's token does not match");
  }
  if (at <= now) {
    return Status::error(
        "files.expired",
        fmt::format("the link expired {} s ago; call the tool again for a new one", now - at));
  }
  return Status::ok();
}

std::string rewrite_playlist(const FileLinks& links, std::string_view playlist_key,
                             std::string_view text, std::int64_t expires) {
  size_t slash = playlist_key.rfind('/');
  std::string dir =
      slash == std::string_view::npos ? "" : std::string(playlist_key.substr(0, slash + 1));
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    std::string_view bare = line;
    if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
    bool relative = !bare.empty() && bare.front() != '#' && bare.front() != '/' &&
                    bare.find("://") == std::string_view::npos && key_ok(dir + std::string(bare));
    if (relative) {
      out += links.path_for(dir + std::string(bare), expires);
      if (bare.size() != line.size()) out.push_back('\r');
    } else {
      out += line;
    }
    if (nl != std::string_view::npos) out.push_back('\n');
    start = end + 1;
  }
  return out;
}

void serve_file_link(const FileLinks& links, const std::string& dir, const httplib::Request& req,
                     httplib::Response& res) {
  constexpr std::string_view kPrefix = "/files/";
  std::string key = req.path.size() > kPrefix.size() ? req.path.substr(kPrefix.size()) : "";
  std::string expires = req.get_param_value("expires");
  Status s = links.verify(key, expires, req.get_param_value("token"), unix_now());
  if (!s) return plain(res, s.id() == "files.expired" ? 410 : 403, s);
  std::string path = dir + "/" + key;
  struct stat st {};
  if (!key_ok(key) || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return plain(
        res, 404,
        Status::error("files.not_found", "the result no longer exists (results are kept up to " +
                                             std::to_string(kMaxLinkSeconds) + " s)"));
  }
  res.set_header("Cache-Control", "private, no-cache");
  std::string type = DirStore::content_type_for(key);
  if (type == "application/vnd.apple.mpegurl") {
    if (static_cast<std::uint64_t>(st.st_size) > kMaxPlaylistBytes) {
      return plain(res, 500,
                   Status::error("files.too_large", "the playlist is too large to serve"));
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    res.set_content(rewrite_playlist(links, key, text.str(), std::stoll(expires)), type);
    return;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return plain(res, 404, Status::error("files.not_found", "the result cannot be opened"));
  }
  auto file = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  size_t size = static_cast<size_t>(st.st_size);
  for (const auto& [first, last] : req.ranges) {  // httplib 0.11 would answer 206 with no bytes
    if (first >= 0 && static_cast<size_t>(first) >= size) {
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
    }
  }
  if (size == 0) return res.set_content("", type);
  // The status stays unset: httplib answers 200, or 206 with Content-Range for a Range request.
  res.set_content_provider(
      size, type,
      [file](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[kChunk];
        ssize_t n = ::pread(*file, buf, std::min(length, kChunk), static_cast<off_t>(offset));
        if (n <= 0) return false;  // truncated underneath us: drop the connection
        return sink.write(buf, static_cast<size_t>(n));
      },
      [file](bool) {});
}

}  // namespace omm::local

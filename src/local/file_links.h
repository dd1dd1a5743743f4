// FileLinks: expiring token links to the local backend's url-mode results, served by the
// server's own HTTP listener (DESIGN.md "Output delivery"):
//
//   http://127.0.0.1:PORT/files/<key>?expires=<unix seconds>&token=<t>
//   t = base64url(HMAC-SHA256(secret, key + "\n" + expires))
//
// <key> is a result's path relative to <root>/.tmp/results/ (e.g. "9f…/playlist.m3u8"). The
// secret is random per process unless given (tests), so links die with the server. A link is
// not a cloud credential: results carry it whole in `url`.
//
// serve_file_link() answers GET/HEAD /files/… from a directory: 403 on a bad token, 410 after
// the expiry, 404 when the file is missing, Content-Type by extension, Content-Length, Range
// (206, done by httplib; 416 for a range starting past the end), the body streamed from the file in
// 64 KiB reads. An .m3u8 playlist is answered with each relative segment line rewritten to a token
// link of its own with the playlist's expiry, so players can follow it.
//
// Thread-safe: set_base_url may race with url_for (guarded); everything else is const.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace omm::local {

inline constexpr std::int64_t kDefaultLinkSeconds = 3600;  // output.expires when absent
inline constexpr std::int64_t kMaxLinkSeconds = 86400;     // cap; results older are swept

class FileLinks {
 public:
  // An empty secret draws 32 random bytes.
  explicit FileLinks(std::string secret = {});

  // "http://127.0.0.1:PORT", known once the listener is bound.
  void set_base_url(std::string base);
  std::string base_url() const;

  std::string token(std::string_view key, std::int64_t expires) const;
  // "/files/<percent-encoded key>?expires=E&token=T"
  std::string path_for(std::string_view key, std::int64_t expires) const;
  // base_url() + path_for(…)
  std::string url_for(std::string_view key, std::int64_t expires) const;
  // ok, [files.bad_token] (malformed expiry or a token that does not match, compared in
  // constant time) or [files.expired] (expires <= now).
  Status verify(std::string_view key, std::string_view expires, std::string_view token,
                std::int64_t now) const;

 private:
  std::string secret_;
  mutable std::mutex mu_;
  std::string base_;
};

// Seconds since the epoch.
std::int64_t unix_now();

// Answers one GET/HEAD request whose path is "/files/<key>" for files under `dir`.
void serve_file_link(const FileLinks& links, const std::string& dir, const httplib::Request& req,
                     httplib::Response& res);

// The playlist text with each relative URI line (not a '#' tag, no scheme, not '/'-rooted)
// replaced by links.path_for(<playlist's directory>/<line>, expires). Pure.
std::string rewrite_playlist(const FileLinks& links, std::string_view playlist_key,
                             std::string_view text, std::int64_t expires);

}  // namespace omm::local

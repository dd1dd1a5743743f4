#include "local/file_links.h"

#include <doctest/doctest.h>

#include <string>

using omm::local::FileLinks;

TEST_CASE("file links: a link verifies for its own key and expiry only") {
  FileLinks links("test-secret");
  links.set_base_url("http://127.0.0.1:8765");
  const std::int64_t now = 1800000000;
  const std::int64_t expires = now + 3600;
  std::string token = links.token("abc/playlist.m3u8", expires);
  CHECK(token.size() == 43);  // 32 bytes, base64url without padding
  CHECK(token.find_first_of("+/=") == std::string::npos);
  CHECK(links.verify("abc/playlist.m3u8", std::to_string(expires), token, now).is_ok());
  CHECK(links.url_for("abc/playlist.m3u8", expires) ==
        "http://127.0.0.1:8765/files/abc/playlist.m3u8?expires=" + std::to_string(expires) +
            "&token=" + token);

  std::string changed = token;
  changed[0] = token[0] == 'A' ? 'B' : 'A';
  struct Case {
    const char* name;
    std::string key;
    std::string expires;
    std::string token;
    std::int64_t now;
    const char* id;
  } cases[] = {
      {"another key", "abc/playlist0.ts", std::to_string(expires), token, now, "files.bad_token"},
      {"a later expiry", "abc/playlist.m3u8", std::to_string(expires + 1), token, now,
       "files.bad_token"},
      {"one changed character", "abc/playlist.m3u8", std::to_string(expires), changed, now,
       "files.bad_token"},
      {"a truncated token", "abc/playlist.m3u8", std::to_string(expires), token.substr(0, 42), now,
       "files.bad_token"},
      {"no token", "abc/playlist.m3u8", std::to_string(expires), "", now, "files.bad_token"},
      {"no expiry", "abc/playlist.m3u8", "", token, now, "files.bad_token"},
      {"a signed expiry", "abc/playlist.m3u8", std::string("-").append(std::to_string(expires)),
       token, now, "files.bad_token"},
      {"expired", "abc/playlist.m3u8", std::to_string(expires), token, expires, "files.expired"},
      {"long expired", "abc/playlist.m3u8", std::to_string(expires), token, expires + 86400,
       "files.expired"},
      {"one second left", "abc/playlist.m3u8", std::to_string(expires), token, expires - 1, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(links.verify(c.key, c.expires, c.token, c.now).id() == c.id);
  }
}

TEST_CASE("file links: another secret (another server process) makes other tokens") {
  FileLinks a("one");
  FileLinks b("two");
  FileLinks random1;
  FileLinks random2;
  CHECK(a.token("k.png", 100) != b.token("k.png", 100));
  CHECK(random1.token("k.png", 100) != random2.token("k.png", 100));
  CHECK_FALSE(b.verify("k.png", "100", a.token("k.png", 100), 50).is_ok());
}

TEST_CASE("file links: keys are percent-encoded in the path, '/' kept") {
  FileLinks links("s");
  std::string p = links.path_for("dir/a b+c%.png", 7);
  CHECK(p.rfind("/files/dir/a%20b%2Bc%25.png?expires=7&token=", 0) == 0);
}

TEST_CASE("file links: a playlist's relative lines become links of their own") {
  FileLinks links("s");
  std::string text =
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1.0,\nplaylist0.ts\n#EXTINF:1.0,\r\nplaylist1.ts\r\n"
      "https://cdn.example/abs.ts\n/rooted.ts\n../escape.ts\n#EXT-X-ENDLIST\n";
  std::string out = omm::local::rewrite_playlist(links, "id1/playlist.m3u8", text, 99);
  std::string expected =
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1.0,\n" + links.path_for("id1/playlist0.ts", 99) +
      "\n#EXTINF:1.0,\r\n" + links.path_for("id1/playlist1.ts", 99) +
      "\r\nhttps://cdn.example/abs.ts\n/rooted.ts\n../escape.ts\n#EXT-X-ENDLIST\n";
  CHECK(out == expected);
}

// net/url.h: the one URL parser of the oss transport and the `uri` fetches.
#include "net/url.h"

#include <doctest/doctest.h>

#include <string>

using omm::net::parse_http_url;
using omm::net::resolve_location;
using omm::net::shown;
using omm::net::url_for_log;

TEST_CASE("net url: http(s) URLs are parsed; user info, other schemes and bad ports refused") {
  struct Case {
    const char* url;
    const char* host;  // nullptr: refused with http.url
    int port;
    const char* target;
  } cases[] = {
      {"http://Example.COM/a.png", "example.com", 80, "/a.png"},
      {"https://example.com", "example.com", 443, "/"},
      {"HTTP://h?q", "h", 80, "/?q"},
      {"https://example.com?x=1#frag", "example.com", 443, "/?x=1"},
      {"https://bkt.oss-cn-hangzhou.aliyuncs.com/a%20b?x=1", "bkt.oss-cn-hangzhou.aliyuncs.com",
       443, "/a%20b?x=1"},
      {"http://[::1]:8080/p?q", "::1", 8080, "/p?q"},
      {"http://127.0.0.1:9/x#y", "127.0.0.1", 9, "/x"},
      {"http://127.0.0.1:65535", "127.0.0.1", 65535, "/"},
      {"ftp://example.com/a", nullptr, 0, ""},
      {"http://user:pw@example.com/a", nullptr, 0, ""},
      {"http://example.com:0/", nullptr, 0, ""},
      {"http://example.com:65536/", nullptr, 0, ""},
      {"http://example.com:99999999999/", nullptr, 0, ""},
      {"http://example.com:8a/", nullptr, 0, ""},
      {"http://[::1/", nullptr, 0, ""},
      {"http://[::1]x/", nullptr, 0, ""},
      {"http:///nohost", nullptr, 0, ""},
      {"http://exa mple.com/", nullptr, 0, ""},
      {"http://h/a b", nullptr, 0, ""},
      {"http://h/a\x7f", nullptr, 0, ""},
      {"/local/path.png", nullptr, 0, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    auto r = parse_http_url(c.url);
    REQUIRE(r.ok() == (c.host != nullptr));
    if (!r.ok()) {
      CHECK(r.status().id() == "http.url");
      continue;
    }
    CHECK(r->host == c.host);
    CHECK(r->port == c.port);
    CHECK(r->target == c.target);
  }
}

TEST_CASE("net url: messages and logs never show the query or user info") {
  CHECK(url_for_log("https://u:secret@h/p?x-oss-signature=abc") == "https://h/p");
  CHECK(url_for_log("https://h/p#frag") == "https://h/p");
  auto r = parse_http_url("http://user:secret@example.com/a?token=t");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "user info in the URL is refused: http://example.com/a");
  auto ok = parse_http_url("https://[::1]:8443/dir/f.png?sig=1");
  REQUIRE(ok.ok());
  CHECK(shown(*ok) == "https://[::1]:8443/dir/f.png");
}

TEST_CASE("net url: redirect locations resolve against the answering URL") {
  auto base = parse_http_url("https://a.example:8443/dir/file.png?sig=1");
  REQUIRE(base.ok());
  CHECK(resolve_location(*base, "http://b.example/x") == "http://b.example/x");
  CHECK(resolve_location(*base, "//c.example/y") == "https://c.example/y");
  CHECK(resolve_location(*base, "/z.png") == "https://a.example:8443/z.png");
  CHECK(resolve_location(*base, "other.png?a=b") == "https://a.example:8443/dir/other.png?a=b");
  CHECK(resolve_location(*base, "a/b?c=://d") == "https://a.example:8443/dir/a/b?c=://d");
}

#include "files/uri_fetch.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

using omm::files::parse_http_url;

TEST_CASE("uri fetch: a bad URL is source.bad_url (net/url.h parses)") {
  struct Case {
    const char* url;
    const char* host;
    int port;
    const char* target;
    const char* id;
  } cases[] = {
      {"http://Example.COM/a.png", "example.com", 80, "/a.png", ""},
      {"https://example.com", "example.com", 443, "/", ""},
      {"https://example.com?x=1#frag", "example.com", 443, "/?x=1", ""},
      {"http://[::1]:8080/p?q", "::1", 8080, "/p?q", ""},
      {"http://127.0.0.1:9/x#y", "127.0.0.1", 9, "/x", ""},
      {"ftp://example.com/a", "", 0, "", "source.bad_url"},
      {"http://user:pw@example.com/a", "", 0, "", "source.bad_url"},
      {"http://example.com:0/", "", 0, "", "source.bad_url"},
      {"http://example.com:99999/", "", 0, "", "source.bad_url"},
      {"http://example.com:8a/", "", 0, "", "source.bad_url"},
      {"http:///nohost", "", 0, "", "source.bad_url"},
      {"http://exa mple.com/", "", 0, "", "source.bad_url"},
      {"/local/path.png", "", 0, "", "source.bad_url"},
  };
  CHECK(parse_http_url("http://user:secret@example.com/a").status().message().find("secret") ==
        std::string::npos);
  for (const auto& c : cases) {
    CAPTURE(c.url);
    auto r = parse_http_url(c.url);
    CHECK(r.status().id() == c.id);
    if (r.ok()) {
      CHECK(r->host == c.host);
      CHECK(r->port == c.port);
      CHECK(r->target == c.target);
    }
  }
}

TEST_CASE("uri fetch: loopback is refused before connecting, and nothing is left behind") {
  std::string dest = std::filesystem::temp_directory_path() / "omm-fetch-test.bin";
  omm::files::FetchOptions o;
  auto r = omm::files::fetch_to_file("http://127.0.0.1:9/a.png", dest, o);
  CHECK(r.status().id() == "source.fetch_refused");
  CHECK(r.status().message().find("loopback") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  o.allow_private = true;  // allowed now; port 9 (discard) is closed here: a connection error
  o.connect_timeout = std::chrono::seconds(2);
  r = omm::files::fetch_to_file("http://127.0.0.1:9/a.png", dest, o);
  CHECK(r.status().id() == "source.fetch_failed");
  CHECK_FALSE(std::filesystem::exists(dest));
}

namespace {

// A local HTTP server on 127.0.0.1 (a free port) for the redirect and size tests.
struct TestServer {
  httplib::Server svr;
  int port = 0;
  std::thread thread;
  TestServer() {
    svr.Get("/small", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(1000, 'x'), "application/octet-stream");
    });
    svr.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(5000, 'x'), "application/octet-stream");
    });
    svr.Get("/big-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/octet-stream",
                                       [](size_t offset, httplib::DataSink& sink) {
                                         if (offset >= 5000) {
                                           sink.done();
                                           return true;
                                         }
                                         std::string chunk(500, 'y');
                                         return sink.write(chunk.data(), chunk.size());
                                       });
    });
    svr.Get("/to-small", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/small", 302);
    });
    svr.Get("/loop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop", 301);
    });
    svr.Get("/to-private", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://localhost:" + std::to_string(port) + "/small", 302);
    });
    svr.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    port = svr.bind_to_any_port("127.0.0.1");  // listening from here: connections queue
    thread = std::thread([this] { svr.listen_after_bind(); });
  }
  ~TestServer() {
    svr.stop();
    thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

}  // namespace

TEST_CASE("uri fetch: redirects are followed and re-checked, sizes capped, statuses named") {
  TestServer server;
  std::string dest = std::filesystem::temp_directory_path() / "omm-fetch-test2.bin";
  omm::files::FetchOptions o;
  o.max_bytes = 2000;
  // Pretend 127.0.0.1 is a public address so that only what follows a redirect is judged.
  o.classify = [](std::string_view a) {
    return a == "127.0.0.1" ? omm::files::AddressClass::kPublic : omm::files::classify_address(a);
  };
  struct Case {
    std::string url;
    const char* id;
    std::uint64_t size;
  } cases[] = {
      {server.url("/small"), "", 1000},
      {server.url("/to-small"), "", 1000},
      {server.url("/big"), "source.too_large", 0},          // Content-Length
      {server.url("/big-chunked"), "source.too_large", 0},  // while streaming
      {server.url("/loop"), "source.fetch_refused", 0},     // more than 5 redirects
      {server.url("/missing"), "source.fetch_failed", 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    auto r = omm::files::fetch_to_file(c.url, dest, o);
    CHECK(r.status().id() == c.id);
    if (r.ok()) {
      CHECK(*r == c.size);
      CHECK(std::filesystem::file_size(dest) == c.size);
    } else {
      CHECK_FALSE(std::filesystem::exists(dest));
    }
  }
  auto missing = omm::files::fetch_to_file(server.url("/missing"), dest, o);
  CHECK(missing.status().message().find("HTTP 404") != std::string::npos);

  // A "public" first hop redirecting to a loopback name: refused at the second hop.
  omm::files::FetchOptions strict = o;
  int calls = 0;
  strict.classify = [&calls](std::string_view a) {
    return ++calls == 1 ? omm::files::AddressClass::kPublic : omm::files::classify_address(a);
  };
  auto r = omm::files::fetch_to_file(server.url("/to-private"), dest, strict);
  CHECK(r.status().id() == "source.fetch_refused");
  CHECK(r.status().message().rfind("localhost resolves to ", 0) == 0);
  CHECK(r.status().message().find("(after a redirect)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  std::remove(dest.c_str());
}

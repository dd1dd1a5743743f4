// HttplibClient and HttpClientFetcher against a local cpp-httplib server on 127.0.0.1: bodies
// from strings and file slices go out exactly (and without an invented Content-Type), 2xx bodies
// stream into a sink in bounded pieces, non-2xx bodies are buffered, failures carry their ids.
#include "oss/http_client.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "oss/hash.h"
#include "oss_test_support.h"

using namespace omm::oss;
using namespace omm::oss::testing;

namespace {

constexpr size_t kBig = 64u << 20;

struct EchoServer {
  httplib::Server svr;
  int port = 0;
  std::thread thread;
  EchoServer() {
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json j = {{"method", req.method},
                          {"size", req.body.size()},
                          {"md5", hex_lower(md5(req.body))},
                          {"has_content_type", req.has_header("Content-Type")},
                          {"content_length", req.get_header_value("Content-Length")},
                          {"accept_encoding", req.get_header_value("Accept-Encoding")},
                          {"x_test", req.get_header_value("x-test")},
                          {"target", req.target}};
      res.set_header("x-echo", "yes");
      res.set_content(j.dump(), "application/json");
    };
    svr.Get("/echo", echo);
    svr.Put("/echo", echo);
    svr.Post("/echo", echo);
    svr.Delete("/echo", echo);
    svr.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("<Error><Code>NoSuchKey</Code></Error>", "application/xml");
    });
    svr.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(kBig, "application/octet-stream",
                               [](size_t offset, size_t length, httplib::DataSink& sink) {
                                 std::string chunk(std::min<size_t>(length, 256 * 1024),
                                                   static_cast<char>('a' + (offset >> 20) % 26));
                                 return sink.write(chunk.data(), chunk.size());
                               });
    });
    svr.Get("/drop", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(100, "text/plain",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
    });
    port = svr.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { svr.listen_after_bind(); });
    // stop() before the loop runs would be lost and the join would hang.
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~EchoServer() {
    svr.stop();
    thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

// A port that nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("http client: bodies from strings and file slices go out exactly, untyped") {
  EchoServer server;
  HttplibClient http;
  ScratchDir dir("http-client");
  const std::string data = pattern(300000);
  write_file(dir.file("f.bin"), data);

  Exchange ex;
  ex.method = "PUT";
  ex.url = server.url("/echo?a=%2F&b");
  ex.headers = {{"x-test", "v"}};
  ex.file = FileBody{dir.file("f.bin"), 1000, 200000};
  uint64_t expected_offset = 0;
  bool contiguous = true;
  ex.on_sent = [&](uint64_t offset, const char*, size_t size) {
    contiguous = contiguous && offset == expected_offset;
    expected_offset = offset + size;
  };
  auto r = http.send(ex);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->status == 200);
  CHECK(find_header(r->headers, "x-echo") == "yes");
  auto j = nlohmann::json::parse(r->body);
  CHECK(j["size"] == 200000);
  CHECK(j["md5"] == hex_lower(md5(data.substr(1000, 200000))));
  CHECK(j["has_content_type"] == false);
  CHECK(j["accept_encoding"] == "identity");
  CHECK(j["x_test"] == "v");
  CHECK(j["target"] == "/echo?a=%2F&b");  // sent as given, not re-encoded
  CHECK(contiguous);
  CHECK(expected_offset == 200000);

  ex.file.reset();
  ex.method = "POST";
  ex.body = "x-oss-process=image/resize,w_1|sys/saveas,o_eA";
  r = http.send(ex);
  REQUIRE(r.ok());
  j = nlohmann::json::parse(r->body);
  CHECK(j["method"] == "POST");
  CHECK(j["md5"] == hex_lower(md5(ex.body)));
  CHECK(j["has_content_type"] == false);

  ex.body.clear();
  r = http.send(ex);
  REQUIRE(r.ok());
  CHECK(nlohmann::json::parse(r->body)["content_length"] == "0");

  ex.method = "DELETE";
  r = http.send(ex);
  REQUIRE(r.ok());
  CHECK(nlohmann::json::parse(r->body)["method"] == "DELETE");
}

TEST_CASE("http client: a 64 MiB body streams through the sink in small pieces") {
  EchoServer server;
  HttplibClient http;
  Exchange ex;
  ex.method = "GET";
  ex.url = server.url("/big");
  size_t total = 0, pieces = 0, largest = 0;
  bool in_order = true;
  ex.sink = [&](const char* data, size_t size) {
    in_order = in_order && data[0] == static_cast<char>('a' + (total >> 20) % 26);
    total += size;
    ++pieces;
    largest = std::max(largest, size);
    return true;
  };
  auto r = http.send(ex);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  CHECK(r->body_size == kBig);
  CHECK(total == kBig);
  CHECK(in_order);
  CHECK(largest <= 256 * 1024);
  CHECK(pieces >= kBig / (256 * 1024));

  // A non-2xx body is buffered for the caller, never given to the sink.
  ex.url = server.url("/missing");
  total = 0;
  r = http.send(ex);
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  CHECK(r->body == "<Error><Code>NoSuchKey</Code></Error>");
  CHECK(total == 0);

  // A sink that refuses ends the exchange.
  ex.url = server.url("/big");
  ex.sink = [](const char*, size_t) { return false; };
  CHECK(http.send(ex).status().id() == "http.canceled");
}

TEST_CASE("http client: failures carry ids that say whether the request left") {
  EchoServer server;
  HttplibClient http;
  Exchange ex;
  ex.method = "POST";
  ex.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x?Signature=secret";
  ex.timeouts.connect = std::chrono::milliseconds(2000);
  auto r = http.send(ex);
  CHECK(r.status().id() == "http.connect");
  CHECK(r.status().message().find("POST http://127.0.0.1:") == 0);
  CHECK(r.status().message().find("secret") == std::string::npos);

  ex.method = "GET";
  ex.url = server.url("/drop");
  CHECK(http.send(ex).status().id() == "http.receive");

  ex.method = "PUT";
  ex.url = server.url("/echo");
  ex.file = FileBody{"/nonexistent/file", 0, 10};
  CHECK(http.send(ex).status().id() == "http.file");

  ex.file.reset();
  ex.url = "ftp://127.0.0.1/";
  CHECK(http.send(ex).status().id() == "http.url");

  // Cancelled before connecting, and in the middle of a body.
  ex.url = server.url("/echo");
  ex.cancelled = [] { return true; };
  CHECK(http.send(ex).status().id() == "cancelled");
  ex.method = "GET";
  ex.url = server.url("/big");
  size_t got = 0;
  ex.sink = [&](const char*, size_t size) {
    got += size;
    return true;
  };
  ex.cancelled = [&] { return got > (1u << 20); };
  CHECK(http.send(ex).status().id() == "cancelled");
  CHECK(got < kBig);
}

TEST_CASE("http client: HttpClientFetcher serves the credential chain") {
  EchoServer server;
  HttplibClient http;
  HttpClientFetcher fetcher(http);
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/echo");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = "RoleArn=a&DurationSeconds=3600";
  auto r = fetcher.fetch(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  auto j = nlohmann::json::parse(r->body);
  CHECK(j["md5"] == hex_lower(md5(req.body)));
  CHECK(j["has_content_type"] == true);

  req.method = "GET";
  req.url = server.url("/missing");
  r = fetcher.fetch(req);
  REQUIRE(r.ok());
  CHECK(r->status == 404);

  req.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/latest/api/token";
  CHECK(fetcher.fetch(req).status().id() == "http.connect");
}

TEST_CASE("http client: connections are kept alive and reused after 2xx, never after an error") {
  httplib::Server svr;
  std::mutex mu;
  std::set<int> ports;
  svr.Get("/ok", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ports.insert(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  svr.Get("/fail", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ports.insert(req.remote_port);
    res.status = 500;
  });
  svr.set_keep_alive_max_count(100);  // httplib closes after 5 requests by default
  int port = svr.bind_to_any_port("127.0.0.1");
  std::thread t([&] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  HttplibClient client;
  auto get = [&](const char* path, bool reuse = true) {
    Exchange ex;
    ex.reuse_connection = reuse;
    ex.method = "GET";
    ex.url = "http://127.0.0.1:" + std::to_string(port) + path;
    auto r = client.send(ex);
    REQUIRE(r.ok());
    return r->status;
  };
  for (int i = 0; i < 20; ++i) CHECK(get("/ok") == 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(ports.size() == 1);  // one connection for twenty requests
  }
  CHECK(get("/fail") == 500);  // on the kept connection, which is then dropped
  CHECK(get("/ok") == 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(ports.size() == 2);
  }
  CHECK(get("/ok", false) == 200);  // a request that opts out neither takes nor leaves one
  CHECK(get("/ok") == 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(ports.size() == 3);
  }
  svr.stop();
  t.join();
}

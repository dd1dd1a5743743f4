#include "cli/args.h"

#include <doctest/doctest.h>

#include "cli/process_args.h"

using omm::cli::parse_serve_args;

TEST_CASE("serve flags") {
  auto a =
      parse_serve_args({"--transport", "http", "--listen", "127.0.0.1:0", "--conformance-fixtures",
                        "--allowed-origins=https://a.example,https://b.example", "--workers", "4"});
  REQUIRE(a.ok());
  CHECK(a->transport == "http");
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 0);
  CHECK(a->conformance_fixtures);
  CHECK(a->allowed_origins.size() == 2);
  CHECK(a->workers == 4);
  CHECK(a->max_duration == 14400);  // 4 h unless --max-duration says otherwise
  CHECK(parse_serve_args({"--max-duration=0"})->max_duration == 0);
  CHECK(parse_serve_args({"--max-duration", "60"})->max_duration == 60);
  CHECK(a->client_roots);  // a client's roots count unless --no-client-roots
  CHECK_FALSE(parse_serve_args({"--no-client-roots"})->client_roots);
}

TEST_CASE("bad serve flags name the flag and the allowed values") {
  struct Case {
    std::vector<std::string> args;
    const char* id;
    const char* message;
  } cases[] = {
      {{"--transport", "tcp"},
       "invalid_argument.cli.transport",
       "--transport must be one of stdio, http, sse, got 'tcp'"},
      {{"--transport"},
       "invalid_argument.cli.transport",
       "--transport needs a value: stdio, http or sse"},
      {{"--listen", "8765"},
       "invalid_argument.cli.listen",
       "--listen must be HOST:PORT (e.g. 127.0.0.1:8765), got '8765'"},
      {{"--listen", "h:70000"},
       "invalid_argument.cli.listen",
       "--listen must be HOST:PORT (e.g. 127.0.0.1:8765), got 'h:70000'"},
      {{"--workers", "0"}, "invalid_argument.cli.workers", "--workers must be 1..1024, got '0'"},
      {{"--frobnicate"}, "invalid_argument.cli", "unknown option '--frobnicate'"},
      {{"--log-level", "loud"},
       "invalid_argument.cli.log-level",
       "--log-level must be one of debug, info, warn, error, off, got 'loud'"},
      {{"--max-duration", "4h"},
       "invalid_argument.cli.max-duration",
       "--max-duration must be 0..100000000 seconds (0: no limit), got '4h'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    auto r = parse_serve_args(c.args);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == c.id);
    CHECK(r.status().message() == c.message);
  }
}

TEST_CASE("listen addresses") {
  std::string host;
  int port = -1;
  CHECK(omm::cli::parse_listen("[::1]:9000", &host, &port));
  CHECK(host == "::1");
  CHECK(port == 9000);
  CHECK(omm::cli::parse_listen(":81", &host, &port));
  CHECK(host == "127.0.0.1");
}

TEST_CASE("serve --multipart-threshold: 102400 bytes and up") {
  CHECK(parse_serve_args({})->multipart_threshold == 0);  // 0: the client's 64 MiB
  auto a = parse_serve_args({"--multipart-threshold", "1048576"});
  REQUIRE(a.ok());
  CHECK(a->multipart_threshold == 1048576);
  CHECK(parse_serve_args({"--multipart-threshold", "102400"})->multipart_threshold == 102400);
  for (const char* bad : {"102399", "0", "1MiB", ""}) {
    CAPTURE(bad);
    auto r = parse_serve_args({"--multipart-threshold", bad});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.cli.multipart-threshold");
  }
}

TEST_CASE("http(s) source flags on serve and process") {
  auto a = parse_serve_args({"--max-fetch-bytes", "1048576", "--allow-private-uri"});
  REQUIRE(a.ok());
  CHECK(a->max_fetch_bytes == 1048576);
  CHECK(a->allow_private_uri);
  CHECK(parse_serve_args({})->max_fetch_bytes == 0);  // 0: the executor's default
  CHECK_FALSE(parse_serve_args({})->allow_private_uri);
  for (const char* bad : {"0", "-1", "1MB", "1099511627777", ""}) {
    CAPTURE(bad);
    auto r = parse_serve_args({"--max-fetch-bytes", bad});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.cli.max-fetch-bytes");
    CHECK(r.status().message() ==
          std::string("--max-fetch-bytes must be 1..1099511627776 bytes, got '") + bad + "'");
  }
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto p =
      omm::cli::parse_process_args({"--uri", "https://example.com/a.png", "--operations",
                                    "resize:w=10", "--max-fetch-bytes=4096", "--allow-private-uri"},
                                   env, "/tmp");
  REQUIRE(p.ok());
  CHECK(p->request.uri == "https://example.com/a.png");
  CHECK(p->max_fetch_bytes == 4096);
  CHECK(p->allow_private_uri);
}

TEST_CASE("process: relative paths, --async and --wait") {
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto parse = [&](std::vector<std::string> args) {
    return omm::cli::parse_process_args(args, env, "/home/u/work");
  };
  auto p = parse({"--uri", "in/a.png", "--operations", "resize:w=10", "--output-mode", "download",
                  "--output-path", "b.png"});
  REQUIRE(p.ok());
  CHECK(p->request.uri == "/home/u/work/in/a.png");
  CHECK(p->request.output_path == "/home/u/work/b.png");  // no --output-dir: the working directory
  p = parse({"--output-path", "sub/b.png", "--output-dir", "out", "--source", "a.png",
             "--operations", "resize:w=10"});
  REQUIRE(p.ok());
  CHECK(p->output_dir == "/home/u/work/out");
  CHECK(p->request.output_path == "/home/u/work/out/sub/b.png");  // under --output-dir
  p = parse({"--output-path", "/abs/b.png", "--output-dir", "out", "--source", "a.png",
             "--operations", "resize:w=10"});
  REQUIRE(p.ok());
  CHECK(p->request.output_path == "/abs/b.png");
  p = parse({"--source", "v.mp4", "--operations", "video/convert:f=mp4", "--target-key", "o.mp4",
             "--async", "--wait"});
  REQUIRE(p.ok());
  CHECK(p->ignored_flags == std::vector<std::string>{"--async", "--wait"});
}

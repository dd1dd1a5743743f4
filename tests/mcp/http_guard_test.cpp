#include "mcp/http_guard.h"

#include <doctest/doctest.h>

using omm::mcp::HttpGuardOptions;

TEST_CASE("Host header validation") {
  HttpGuardOptions o;
  struct Case {
    const char* host;
    bool ok;
  } cases[] = {
      {"localhost", true},
      {"localhost:8765", true},
      {"127.0.0.1:1", true},
      {"[::1]:3000", true},
      {"LOCALHOST:80", true},
      {"evil.example.com", false},
      {"evil.example.com:80", false},
      {"", false},
      {"127.0.0.1:abc", false},
      {"127.0.0.1.evil.com", false},
      {"[::1", false},
      {"localhost:99999999", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.host);
    CHECK(omm::mcp::host_allowed(c.host, o) == c.ok);
  }
  o.allowed_hosts = {"media.internal", "box:9000"};
  CHECK(omm::mcp::host_allowed("media.internal:1234", o));
  CHECK(omm::mcp::host_allowed("box:9000", o));
  CHECK_FALSE(omm::mcp::host_allowed("box:9001", o));
}

TEST_CASE("Origin validation") {
  HttpGuardOptions o;
  CHECK(omm::mcp::origin_allowed(std::nullopt, o));
  CHECK(omm::mcp::origin_allowed("http://localhost:6274", o));
  CHECK(omm::mcp::origin_allowed("https://127.0.0.1", o));
  CHECK(omm::mcp::origin_allowed("http://[::1]:80", o));
  CHECK_FALSE(omm::mcp::origin_allowed("http://evil.example.com", o));
  CHECK_FALSE(omm::mcp::origin_allowed("null", o));
  CHECK_FALSE(omm::mcp::origin_allowed("file://localhost", o));
  CHECK_FALSE(omm::mcp::origin_allowed("http://localhost.evil.com", o));
  o.allowed_origins = {"https://app.example.com"};
  CHECK(omm::mcp::origin_allowed("https://app.example.com", o));
}

TEST_CASE("Bearer token check") {
  HttpGuardOptions o;
  CHECK(omm::mcp::bearer_ok(std::nullopt, o));
  o.auth_token = "s3cret";
  CHECK(omm::mcp::bearer_ok("Bearer s3cret", o));
  CHECK(omm::mcp::bearer_ok("bearer s3cret", o));
  CHECK_FALSE(omm::mcp::bearer_ok(std::nullopt, o));
  CHECK_FALSE(omm::mcp::bearer_ok("Bearer s3cre", o));
  CHECK_FALSE(omm::mcp::bearer_ok("Bearer s3cret1", o));
  CHECK_FALSE(omm::mcp::bearer_ok("Basic s3cret", o));
}

TEST_CASE("Content-Type is compared as a media type, not searched as text") {
  using omm::mcp::content_type_is;
  CHECK(content_type_is("application/json", "application/json"));
  CHECK(content_type_is("Application/JSON; charset=utf-8", "application/json"));
  CHECK(content_type_is("  application/json ;charset=utf-8", "application/json"));
  CHECK_FALSE(content_type_is("text/plain; x=application/json", "application/json"));
  CHECK_FALSE(content_type_is("application/json-patch+json", "application/json"));
  CHECK_FALSE(content_type_is("application/jsonx", "application/json"));
  CHECK_FALSE(content_type_is("", "application/json"));
}

TEST_CASE("Accept admits a type by its entries, wildcards and q") {
  using omm::mcp::accept_allows;
  CHECK(accept_allows(std::nullopt, "application/json"));
  CHECK(accept_allows("", "application/json"));
  CHECK(accept_allows("application/json, text/event-stream", "text/event-stream"));
  CHECK(accept_allows("*/*", "text/event-stream"));
  CHECK(accept_allows("text/*;q=0.5", "text/event-stream"));
  CHECK(accept_allows("TEXT/EVENT-STREAM", "text/event-stream"));
  CHECK_FALSE(accept_allows("application/json", "text/event-stream"));
  CHECK_FALSE(accept_allows("text/event-stream;q=0", "text/event-stream"));
  CHECK_FALSE(accept_allows("text/event-stream; q=0.000", "text/event-stream"));
  CHECK(accept_allows("text/event-stream; q=0.001", "text/event-stream"));
  CHECK_FALSE(accept_allows("application/x-not-text/event-stream", "text/event-stream"));
  CHECK_FALSE(accept_allows("application/json-seq", "application/json"));
}

// Free-text fields: object keys, paths, URIs, bucket and region names.
#include "core/field_checks.h"

#include <doctest/doctest.h>

using namespace omm::core;

TEST_CASE("field checks: object keys") {
  const ErrorScope scope("image_process", "output");
  const struct {
    std::string key;
    const char* expect;  // "ok" or the message
  } cases[] = {
      {"a.jpg", "ok"},
      {"dir/sub/a b.jpg", "ok"},
      {"\xe5\x9b\xbe/\xe7\x89\x87.jpg", "ok"},
      {"a/..b", "ok"},
      {"", "target_key must not be empty"},
      {"/a.jpg", "target_key must not start with '/', got \"/a.jpg\""},
      {"\\a.jpg", "target_key must not start with '\\', got \"\\\\a.jpg\""},
      {"..", "target_key must not contain a '..' segment, got \"..\""},
      {"a/../b", "target_key must not contain a '..' segment, got \"a/../b\""},
      {"a/..", "target_key must not contain a '..' segment, got \"a/..\""},
      {"a\x7f", "target_key must not contain control characters, got \"a\\u007f\""},
      {"a\xc3", "target_key must be valid UTF-8"},
      {"\xed\xa0\x80", "target_key must be valid UTF-8"},  // a surrogate
      {"\xc0\xaf", "target_key must be valid UTF-8"},      // overlong '/'
      {std::string(1023, 'x'), "ok"},
      {std::string(1024, 'x'), "target_key must be at most 1023 bytes, got 1024 bytes"},
      // One canonical spelling: no empty and no "." segments.
      {"./a.jpg", "target_key must not contain a '.' segment, got \"./a.jpg\""},
      {"a/./b", "target_key must not contain a '.' segment, got \"a/./b\""},
      {"a/.", "target_key must not contain a '.' segment, got \"a/.\""},
      {".", "target_key must not contain a '.' segment, got \".\""},
      {"a//b",
       "target_key must not contain an empty segment ('//' or a trailing '/'), got \"a//b\""},
      {"a/", "target_key must not contain an empty segment ('//' or a trailing '/'), got \"a/\""},
      {"a/.b", "ok"},
      {"a/b.", "ok"},
      {"..a/b", "ok"},
      // The server's own areas, however they are reached.
      {".jobs", "reserved"},
      {".jobs/local-job-1.json", "reserved"},
      {".tmp/x", "reserved"},
      {".oss-media-mcp/tmp/x/a.png", "reserved"},
      {"a/.omm-part-1-x.jpg", "reserved"},
      {".omm-part-x", "reserved"},
      {"./.jobs/x.json", "target_key must not contain a '.' segment, got \"./.jobs/x.json\""},
      {".//.tmp/x", "target_key must not contain a '.' segment, got \".//.tmp/x\""},
      {"a/.jobs/x", "ok"},
      {".jobsx/x", "ok"},
      {"a/x.omm-part-1", "ok"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.key);
    omm::Status s = check_object_key(c.key, scope, "target_key");
    if (std::string(c.expect) == "reserved") {
      REQUIRE_FALSE(s);
      CHECK(s.message().find("reserved for the server's own files") != std::string::npos);
      CHECK(is_reserved_key(c.key));
    } else {
      CHECK((s ? std::string("ok") : s.message()) == c.expect);
    }
    if (!s) CHECK(s.id() == "invalid_argument.image_process.output.target_key");
  }
}

TEST_CASE("field checks: uris, buckets, regions, endpoints, extensions") {
  const ErrorScope scope("video_transcode");
  CHECK(check_source_uri("/abs/a.mp4", scope, "uri"));
  CHECK(check_source_uri("https://example.com/a.mp4", scope, "uri"));
  CHECK_FALSE(check_source_uri("https:///a.mp4", scope, "uri"));
  CHECK_FALSE(check_source_uri("file:///a.mp4", scope, "uri"));
  CHECK(check_bucket("abc", scope, "bucket"));
  CHECK_FALSE(check_bucket("ab", scope, "bucket"));
  CHECK_FALSE(check_bucket(std::string(64, 'a'), scope, "bucket"));
  CHECK_FALSE(check_bucket("abc-", scope, "bucket"));
  CHECK(check_region("ap-southeast-1", scope, "region"));
  CHECK_FALSE(check_region("CN-hangzhou", scope, "region"));
  CHECK(check_endpoint("https://oss-cn-hangzhou.aliyuncs.com", scope, "endpoint"));
  CHECK(check_endpoint("http://127.0.0.1:9000", scope, "endpoint"));
  CHECK_FALSE(check_endpoint("oss-cn-hangzhou.aliyuncs.com", scope, "endpoint"));
  CHECK(check_imm_project("imm-auto_1", scope, "imm_project"));
  CHECK_FALSE(check_imm_project("a b", scope, "imm_project"));
  CHECK(key_has_extension("v/frames/f.jpg"));
  CHECK_FALSE(key_has_extension("v/frames.d/f"));
  CHECK_FALSE(key_has_extension("v/frames/.hidden"));
  CHECK_FALSE(key_has_extension("v/frames/f."));
}

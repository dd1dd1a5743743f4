// The emulator without HTTP: signed calls in, replies out. Object round trip with ETag and
// CRC-64, ranges, the exact ListObjectsV2 document, multipart, error documents and IMM routing.
#include "emulate/emulator.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "oss/crc64.h"
#include "oss/signer_acs3.h"
#include "oss/signer_v4.h"

using namespace omm;
using namespace omm::emulate;

namespace {

const oss::Credentials kCreds{"ak", "sk", ""};

struct Rig {
  std::filesystem::path root;
  std::unique_ptr<Emulator> emu;
  std::vector<std::string> bodies;  // keeps call bodies alive

  Rig() {
    root = std::filesystem::temp_directory_path() /
           ("omm-emulator-test-" + std::to_string(::getpid()) + "-" + new_uuid());
    auto e =
        Emulator::create(EmulatorConfig{root.string(), AuthConfig{kCreds, "cn-hangzhou"}, "", "k"});
    REQUIRE_MESSAGE(e.ok(), e.status().to_string());
    emu = std::move(*e);
  }
  ~Rig() {
    emu.reset();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }

  Reply oss(std::string method, std::string bucket, std::string key, oss::Params query = {},
            std::string body = "", oss::Params headers = {}) {
    oss::V4Input in;
    in.request = {method, bucket, key, query, headers};
    in.region = "cn-hangzhou";
    in.time = std::chrono::system_clock::now();
    auto s = oss::sign_v4_header(in, kCreds);
    REQUIRE(s.ok());
    bodies.push_back(std::move(body));
    Call call{ReceivedRequest{method, bucket, key, query, headers, bodies.back()}, "emu.test",
              "REQ1"};
    for (const auto& h : s->headers) call.req.headers.push_back(h);
    Reply r = emu->handle(call);
    // GetObject answers with a file slice the HTTP layer streams: read it as the client would.
    if (!r.file.empty() && method != "HEAD") {
      std::ifstream in(r.file, std::ios::binary);
      REQUIRE(in);
      in.seekg(static_cast<std::streamoff>(r.file_offset));
      r.body.assign(r.file_length, '\0');
      in.read(r.body.data(), static_cast<std::streamsize>(r.file_length));
      REQUIRE(static_cast<std::uint64_t>(in.gcount()) == r.file_length);
    }
    return r;
  }

  Reply imm(std::string action, oss::Params query) {
    oss::PopRequest pop;
    pop.host = "emu.test";
    pop.action = action;
    pop.version = "2020-09-30";
    pop.query = query;
    pop.time = std::chrono::system_clock::now();
    pop.nonce = new_uuid();
    auto s = oss::sign_pop_v3(pop, kCreds);
    REQUIRE(s.ok());
    return emu->handle(
        Call{ReceivedRequest{"POST", "", "", query, s->headers, {}}, "emu.test", "REQ2"});
  }
};

std::string header(const Reply& r, std::string_view name) {
  return oss::find_header(r.headers, name).value_or("");
}

}  // namespace

TEST_CASE("emulator: put, get, ranges, head, delete") {
  Rig rig;
  Reply put = rig.oss("PUT", "bkt", "a/b.txt", {}, "123456789");
  REQUIRE(put.status == 200);
  CHECK(header(put, "ETag") == "\"25F9E794323B453885F5181F1B624D0B\"");  // MD5("123456789")
  CHECK(header(put, "x-oss-hash-crc64ecma") == "11051210869376104954");

  Reply get = rig.oss("GET", "bkt", "a/b.txt");
  CHECK(get.status == 200);
  CHECK(get.body == "123456789");
  CHECK(get.content_type == "text/plain");

  const struct {
    const char* range;
    int status;
    const char* body;
    const char* content_range;
  } ranges[] = {
      {"bytes=0-3", 206, "1234", "bytes 0-3/9"}, {"bytes=5-", 206, "6789", "bytes 5-8/9"},
      {"bytes=-2", 206, "89", "bytes 7-8/9"},    {"bytes=3-100", 206, "456789", "bytes 3-8/9"},
      {"bytes=9-", 416, nullptr, "bytes */9"},   {"bytes=0-1,3-4", 200, "123456789", ""},
      {"items=0-1", 200, "123456789", ""},
  };
  for (const auto& c : ranges) {
    CAPTURE(c.range);
    Reply r = rig.oss("GET", "bkt", "a/b.txt", {}, "", {{"Range", c.range}});
    CHECK(r.status == c.status);
    if (c.body != nullptr) CHECK(r.body == c.body);
    if (c.status == 416) CHECK(r.body.find("<Code>InvalidRange</Code>") != std::string::npos);
    CHECK(header(r, "Content-Range") == c.content_range);
  }

  CHECK(rig.oss("PUT", "bkt", "c.txt", {}, "x", {{"Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="}})
            .status == 400);
  CHECK(rig.oss("DELETE", "bkt", "a/b.txt").status == 204);
  CHECK(rig.oss("DELETE", "bkt", "a/b.txt").status == 204);  // missing: still 204
  Reply missing = rig.oss("HEAD", "bkt", "a/b.txt");
  CHECK(missing.status == 404);
  CHECK(!header(missing, "x-oss-err").empty());
  Reply nobucket = rig.oss("GET", "nope", "a.txt");
  CHECK(nobucket.status == 404);
  CHECK(nobucket.body ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>NoSuchBucket</Code>\n"
        "  <Message>The specified bucket does not exist.</Message>\n  <RequestId>REQ1</RequestId>\n"
        "  <HostId>emu.test</HostId>\n  <BucketName>nope</BucketName>\n</Error>\n");
  CHECK(rig.oss("GET", "bkt", "../x").status == 400);
}

TEST_CASE("emulator: ListObjectsV2 document") {
  Rig rig;
  for (const char* k : {"p/a.txt", "p/d/x.txt", "p/z&.txt"})
    REQUIRE(rig.oss("PUT", "bkt", k, {}, "ab").status == 200);
  Reply list =
      rig.oss("GET", "bkt", "",
              {{"list-type", "2"}, {"prefix", "p/"}, {"delimiter", "/"}, {"max-keys", "1"}});
  REQUIRE(list.status == 200);
  std::string head =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>\n  <Name>bkt</Name>\n"
      "  <Prefix>p/</Prefix>\n  <MaxKeys>1</MaxKeys>\n  <Delimiter>/</Delimiter>\n"
      "  <IsTruncated>true</IsTruncated>\n  <NextContinuationToken>";
  CHECK(list.body.substr(0, head.size()) == head);
  CHECK(list.body.find("<KeyCount>1</KeyCount>\n  <Contents>\n    <Key>p/a.txt</Key>\n") !=
        std::string::npos);
  CHECK(list.body.find(
            "<ETag>\"187EF4436122D1CC2F40DC2B92F0EBA0\"</ETag>\n    <Type>Normal</Type>\n"
            "    <Size>2</Size>\n    <StorageClass>Standard</StorageClass>\n  </Contents>\n"
            "</ListBucketResult>\n") != std::string::npos);
  std::size_t a = list.body.find("<NextContinuationToken>") + 23;
  std::string token = list.body.substr(a, list.body.find('<', a) - a);
  Reply next = rig.oss("GET", "bkt", "",
                       {{"list-type", "2"},
                        {"prefix", "p/"},
                        {"delimiter", "/"},
                        {"continuation-token", token},
                        {"encoding-type", "url"}});
  CHECK(next.body.find("<CommonPrefixes>\n    <Prefix>p%2Fd%2F</Prefix>\n  </CommonPrefixes>") !=
        std::string::npos);
  CHECK(next.body.find("<Key>p%2Fz%26.txt</Key>") != std::string::npos);
  CHECK(next.body.find("<IsTruncated>false</IsTruncated>") != std::string::npos);
  CHECK(rig.oss("GET", "bkt", "", {{"max-keys", "0"}}).status == 400);
}

TEST_CASE("emulator: multipart") {
  Rig rig;
  Reply init = rig.oss("POST", "bkt", "m.bin", {{"uploads", ""}});
  REQUIRE(init.status == 200);
  std::size_t a = init.body.find("<UploadId>") + 10;
  std::string id = init.body.substr(a, init.body.find('<', a) - a);
  Reply p1 = rig.oss("PUT", "bkt", "m.bin", {{"partNumber", "1"}, {"uploadId", id}}, "hello ");
  Reply p2 = rig.oss("PUT", "bkt", "m.bin", {{"partNumber", "2"}, {"uploadId", id}}, "world");
  REQUIRE(p1.status == 200);
  REQUIRE(p2.status == 200);
  auto body = [&](const std::string& e1, const std::string& e2, int n1 = 1, int n2 = 2) {
    return "<CompleteMultipartUpload><Part><PartNumber>" + std::to_string(n1) +
           "</PartNumber><ETag>" + e1 + "</ETag></Part><Part><PartNumber>" + std::to_string(n2) +
           "</PartNumber><ETag>" + e2 + "</ETag></Part></CompleteMultipartUpload>";
  };
  std::string e1 = header(p1, "ETag");
  std::string e2 = header(p2, "ETag");
  CHECK(rig.oss("POST", "bkt", "m.bin", {{"uploadId", id}}, body(e2, e1, 2, 1))
            .body.find("InvalidPartOrder") != std::string::npos);
  CHECK(
      rig.oss("POST", "bkt", "m.bin", {{"uploadId", id}}, body(e1, e1)).body.find("InvalidPart") !=
      std::string::npos);
  Reply done = rig.oss("POST", "bkt", "m.bin", {{"uploadId", id}},
                       body(e1, "&quot;" + e2.substr(1, 32) + "&quot;"));
  CHECK(done.status == 200);
  CHECK(header(done, "x-oss-hash-crc64ecma") ==
        oss::crc64_header_value(oss::crc64_ecma("hello world")));
  CHECK(rig.oss("GET", "bkt", "m.bin").body == "hello world");
  Reply gone = rig.oss("POST", "bkt", "m.bin", {{"uploadId", id}}, body(e1, e2));
  CHECK(gone.status == 404);
  CHECK(gone.body.find("<Code>NoSuchUpload</Code>") != std::string::npos);
}

TEST_CASE("emulator: IMM routing and POP errors") {
  Rig rig;
  Reply created = rig.imm("CreateProject", {{"ProjectName", "p1"}});
  CHECK(created.status == 200);
  CHECK(created.body.find("\"ProjectName\":\"p1\"") != std::string::npos);
  CHECK(rig.imm("CreateProject", {{"ProjectName", "p1"}}).status == 409);
  CHECK(rig.imm("GetProject", {}).body.find("\"Code\":\"MissingParameter\"") != std::string::npos);
  Reply task =
      rig.imm("GetTask",
              {{"ProjectName", "p1"}, {"TaskType", "MediaConvert"}, {"TaskId", "MediaConvert-x"}});
  CHECK(task.status == 404);
  CHECK(
      task.body ==
      "{\"Code\":\"ResourceNotFound\",\"HostId\":\"emu.test\",\"Message\":\"The specified task is "
      "not found.\",\"RequestId\":\"REQ2\"}");
  CHECK(rig.imm("NoSuchAction", {}).status == 404);
}

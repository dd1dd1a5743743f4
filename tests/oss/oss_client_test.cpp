// OssClient against the in-test fake server (fake_oss_server.h), which re-signs every request
// with the project's signers: object calls, error mapping, retries and give-ups, POST rules,
// clock-skew correction, CRC-64 checks, V1 signing and presigned URLs.
#include "oss/oss_client.h"

#include <doctest/doctest.h>

#include "oss_test_support.h"

using namespace omm::oss;
using omm::Result;
using omm::Status;
using namespace omm::oss::testing;

namespace {

struct Rig {
  FakeOssServer server;
  HttplibClient http;
  ConnectFaults faults{http};
  SystemClock clock;
  std::unique_ptr<OssClient> client;
  explicit Rig(std::function<void(OssClientOptions&)> adjust = nullptr,
               CredentialSource creds = fixed()) {
    OssClientOptions o = client_options(server);
    if (adjust) adjust(o);
    auto c = OssClient::create(o, std::move(creds), faults, clock);
    REQUIRE(c.ok());
    client = std::move(*c);
  }
};

}  // namespace

TEST_CASE("oss client: put, get, range, head, delete round trip with verified signatures") {
  Rig rig;
  ScratchDir dir("oss-client-rt");
  const std::string data = pattern(300000);
  write_file(dir.file("in.bin"), data);

  auto put = rig.client->put_object("dir/a b+c.bin", dir.file("in.bin"), {"text/plain", {}, {}});
  REQUIRE_MESSAGE(put.ok(), put.status().to_string());
  CHECK(rig.server.object("bkt", "dir/a b+c.bin") == data);
  CHECK(put->crc64 == crc64_ecma(data));
  CHECK(put->size == data.size());
  CHECK_FALSE(put->multipart);
  CHECK(put->etag == "\"" + hex_lower(md5(data)) + "\"");
  CHECK(find_header(rig.server.last_headers(), "content-type") == "text/plain");

  auto got = rig.client->get_object_to_file("dir/a b+c.bin", dir.file("out.bin"));
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(read_file(dir.file("out.bin")) == data);
  CHECK(got->size == data.size());
  CHECK(got->status == 200);

  GetOptions range;
  range.range = {{1000, 1999}};
  auto part = rig.client->get_object_to_file("dir/a b+c.bin", dir.file("range.bin"), range);
  REQUIRE(part.ok());
  CHECK(part->status == 206);
  CHECK(read_file(dir.file("range.bin")) == data.substr(1000, 1000));
  range.range = {{299990, std::nullopt}};
  part = rig.client->get_object_to_file("dir/a b+c.bin", dir.file("tail.bin"), range);
  REQUIRE(part.ok());
  CHECK(read_file(dir.file("tail.bin")) == data.substr(299990));

  auto head = rig.client->head_object("dir/a b+c.bin");
  REQUIRE(head.ok());
  CHECK(head->size == data.size());
  CHECK(head->crc64 == crc64_header_value(crc64_ecma(data)));
  CHECK(head->object_type == "Normal");
  REQUIRE(head->metadata.size() == 1);
  CHECK(head->metadata[0] == std::pair<std::string, std::string>("x-oss-meta-origin", "fixture"));
  CHECK_FALSE(head->request_id.empty());

  // An empty object: no body piece either way, CRC 0, the file still created.
  write_file(dir.file("empty.bin"), "");
  REQUIRE(rig.client->put_object("empty", dir.file("empty.bin")).ok());
  CHECK(rig.server.object("bkt", "empty") == "");
  auto empty = rig.client->get_object_to_file("empty", dir.file("empty.out"));
  REQUIRE_MESSAGE(empty.ok(), empty.status().to_string());
  CHECK(empty->size == 0);
  CHECK(std::filesystem::exists(dir.file("empty.out")));
  CHECK(std::filesystem::file_size(dir.file("empty.out")) == 0);

  auto del = rig.client->delete_object("dir/a b+c.bin");
  REQUIRE(del.ok());
  CHECK_FALSE(rig.server.object("bkt", "dir/a b+c.bin").has_value());
  CHECK(rig.server.signature_failures == 0);
  CHECK(dir.entries() == 6);  // in, out, range, tail, empty.*: no temporary file left
}

TEST_CASE("oss client: errors map to oss.<Code> with the message and RequestId, not retried") {
  Rig rig;
  ScratchDir dir("oss-client-err");
  auto got = rig.client->get_object_to_file("missing.txt", dir.file("x"));
  CHECK(got.status().id() == "object.NoSuchKey");
  CHECK(got.status().message().find(
            "GetObject bkt/missing.txt: The specified key does not exist.") == 0);
  CHECK(got.status().message().find("HTTP 404") != std::string::npos);
  CHECK(got.status().message().find("RequestId req-") != std::string::npos);
  CHECK(got.status().message().find("must-not-leak") == std::string::npos);
  CHECK(dir.entries() == 0);  // no target, no temporary

  // HEAD: the error document comes base64 in x-oss-err.
  auto head = rig.client->head_object("missing.txt");
  CHECK(head.status().id() == "object.NoSuchKey");
  CHECK(head.status().message().find("RequestId head-req, EC 0026-00000001") != std::string::npos);
  CHECK(rig.server.requests == 2);  // a 404 is final

  Rig wrong(nullptr, fixed(Credentials{kTestCreds.access_key_id, "not-the-secret", ""}));
  auto put = wrong.client->put_object_data("k", "v");
  CHECK(put.status().id() == "oss.SignatureDoesNotMatch");
  CHECK(wrong.server.requests == 1);
  CHECK(put.status().message().find("not-the-secret") == std::string::npos);
}

TEST_CASE("oss client: 5xx and dropped connections are retried, then the last error is returned") {
  Rig rig;
  rig.server.fail_5xx = 2;
  auto ok = rig.client->put_object_data("a.txt", "hello");
  REQUIRE_MESSAGE(ok.ok(), ok.status().to_string());
  CHECK(rig.server.requests == 3);

  rig.server.requests = 0;
  rig.server.fail_5xx = 100;
  auto fail = rig.client->put_object_data("a.txt", "hello");
  CHECK(fail.status().id() == "oss.InternalError");
  CHECK(rig.server.requests == 3);  // max_attempts
  rig.server.fail_5xx = 0;

  rig.server.requests = 0;
  rig.server.drop = 1;  // the object is stored, then the answer is cut: PUT is sent again
  auto again = rig.client->put_object_data("a.txt", "hello again");
  REQUIRE_MESSAGE(again.ok(), again.status().to_string());
  CHECK(rig.server.requests == 2);

  rig.server.requests = 0;
  rig.server.drop = 100;
  auto dropped = rig.client->delete_object("a.txt");
  CHECK(dropped.status().id() == "oss.network");
  CHECK(dropped.status().message().find("DeleteObject DELETE http://127.0.0.1:") == 0);
  CHECK(rig.server.requests == 3);
  rig.server.drop = 0;

  // A GET cut in the middle restarts its file from zero.
  ScratchDir dir("oss-client-retry");
  const std::string data = pattern(500000, 3);
  rig.server.put_object("bkt", "big.bin", data);
  rig.server.requests = 0;
  rig.server.drop = 1;
  auto got = rig.client->get_object_to_file("big.bin", dir.file("big.bin"));
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(read_file(dir.file("big.bin")) == data);
  CHECK(rig.server.requests == 2);
}

TEST_CASE(
    "oss client: a POST that starts something is retried only when nothing reached the server") {
  Rig rig;
  rig.server.put_object("bkt", "in.jpg", "JPEGDATA");
  rig.server.fail_5xx = 1;
  auto a = rig.client->async_process("in.jpg", "video/convert,f_mp4|sys/saveas,o_b3V0Lm1wNA");
  CHECK(a.status().id() == "oss.InternalError");
  CHECK(rig.server.requests == 1);

  rig.server.requests = 0;
  rig.server.drop = 1;
  a = rig.client->async_process("in.jpg", "video/convert,f_mp4|sys/saveas,o_b3V0Lm1wNA");
  CHECK(a.status().id() == "oss.network");
  CHECK(rig.server.requests == 1);  // the server may have acted: not sent again

  // 503: the service says it did not take the request — sent again.
  rig.server.requests = 0;
  rig.server.fail_503 = 1;
  a = rig.client->async_process("in.jpg", "video/convert,f_mp4|sys/saveas,o_b3V0Lm1wNA");
  REQUIRE_MESSAGE(a.ok(), a.status().to_string());
  CHECK(rig.server.requests == 2);

  // saveas is retried like a PUT (the same request writes the same object).
  rig.server.requests = 0;
  rig.server.fail_5xx = 1;
  auto r = rig.client->process_save("in.jpg", "image/resize,w_100|sys/saveas,o_b3V0LmpwZw");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(rig.server.requests == 2);
  rig.server.requests = 0;
  rig.server.drop = 1;
  r = rig.client->process_save("in.jpg", "image/resize,w_100|sys/saveas,o_b3V0LmpwZw");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(rig.server.requests == 2);

  rig.server.requests = 0;
  rig.faults.sends = 0;
  rig.faults.fail = 2;
  r = rig.client->process_save("in.jpg", "image/resize,w_100|sys/saveas,o_b3V0LmpwZw");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(rig.faults.sends == 3);
  CHECK(rig.server.requests == 1);
  CHECK(r->object == "out.jpg");
  CHECK(r->status == "OK");
  CHECK(r->file_size == std::string("saved[image/resize,w_100]:JPEGDATA").size());
  CHECK(rig.server.object("bkt", "out.jpg") == "saved[image/resize,w_100]:JPEGDATA");

  // A connection that never comes up gives up after max_attempts with oss.network.
  rig.faults.sends = 0;
  rig.faults.fail = 10;
  r = rig.client->process_save("in.jpg", "image/resize,w_100|sys/saveas,o_b3V0LmpwZw");
  CHECK(r.status().id() == "oss.network");
  CHECK(r.status().message().find("injected connect failure") != std::string::npos);
  CHECK(rig.faults.sends == 3);
  rig.faults.fail = 0;
}

TEST_CASE("oss client: RequestTimeTooSkewed teaches the offset, later requests sign with it") {
  Rig rig;
  rig.server.skew_seconds = 3600;
  auto r = rig.client->put_object_data("t.txt", "x");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(rig.server.skew_rejections == 1);
  CHECK(rig.client->skew().offset().count() >= 3598);
  CHECK(rig.client->skew().offset().count() <= 3602);
  auto h = rig.client->head_object("t.txt");
  REQUIRE(h.ok());
  CHECK(rig.server.skew_rejections == 1);  // signed right the first time
  CHECK(rig.server.requests == 3);

  // Also a non-idempotent POST: the server refused it before acting.
  Rig post;
  post.server.skew_seconds = -7200;
  auto init = post.client->initiate_multipart("m.bin");
  REQUIRE_MESSAGE(init.ok(), init.status().to_string());
  CHECK(post.server.skew_rejections == 1);
}

TEST_CASE("oss client: a wrong x-oss-hash-crc64ecma is retried, then fails oss.crc64.mismatch") {
  Rig rig;
  ScratchDir dir("oss-client-crc");
  rig.server.put_object("bkt", "c.bin", pattern(70000));
  rig.server.wrong_crc = 1;
  auto ok = rig.client->get_object_to_file("c.bin", dir.file("c.bin"));
  REQUIRE_MESSAGE(ok.ok(), ok.status().to_string());
  CHECK(rig.server.requests == 2);

  rig.server.wrong_crc = 100;
  auto bad = rig.client->get_object_to_file("c.bin", dir.file("d.bin"));
  CHECK(bad.status().id() == "oss.crc64.mismatch");
  CHECK(bad.status().message().find("GetObject bkt/c.bin") == 0);
  CHECK_FALSE(std::filesystem::exists(dir.file("d.bin")));
  CHECK(dir.entries() == 1);  // only c.bin

  auto put = rig.client->put_object_data("p.bin", "payload");
  CHECK(put.status().id() == "oss.crc64.mismatch");

  // A ranged read is not checked (the header describes the whole object).
  GetOptions range;
  range.range = {{0, 9}};
  CHECK(rig.client->get_object_to_file("c.bin", dir.file("r.bin"), range).ok());
  rig.server.wrong_crc = 0;
}

TEST_CASE("oss client: ListObjectsV2 pages with continuation tokens and decodes keys") {
  Rig rig;
  const std::vector<std::string> keys = {"img/a b.jpg",   "img/c+d.jpg", "img/e%f.jpg",
                                         "img/sub/g.jpg", "img/x.jpg",   "other/y.jpg"};
  for (const auto& k : keys) rig.server.put_object("bkt", k, k);
  ListOptions o;
  o.prefix = "img/";
  o.max_keys = 2;
  std::vector<std::string> seen;
  int pages = 0;
  for (;;) {
    auto page = rig.client->list_objects_v2(o);
    REQUIRE_MESSAGE(page.ok(), page.status().to_string());
    ++pages;
    for (const auto& obj : page->objects) {
      seen.push_back(obj.key);
      CHECK(obj.size == obj.key.size());
    }
    if (!page->truncated) break;
    REQUIRE_FALSE(page->next_continuation_token.empty());
    o.continuation_token = page->next_continuation_token;
  }
  CHECK(pages == 3);
  CHECK(seen == std::vector<std::string>(keys.begin(), keys.end() - 1));

  ListOptions d;
  d.prefix = "img/";
  d.delimiter = "/";
  auto top = rig.client->list_objects_v2(d);
  REQUIRE(top.ok());
  CHECK(top->common_prefixes == std::vector<std::string>{"img/sub/"});
  CHECK(top->objects.size() == 4);
  CHECK(rig.server.signature_failures == 0);
}

TEST_CASE("oss client: V1 signing, copy, x-oss-process GET and async process") {
  Rig rig([](OssClientOptions& o) { o.signature = SignatureVersion::kV1; });
  ScratchDir dir("oss-client-v1");
  REQUIRE(
      rig.client->put_object_data("src/a.png", "PNG", {"image/png", {{"x-oss-meta-k", "v"}}, {}})
          .ok());
  auto authz = find_header(rig.server.last_headers(), "authorization");
  REQUIRE(authz);
  CHECK(authz->rfind("OSS " + kTestCreds.access_key_id + ":", 0) == 0);

  auto copy = rig.client->copy_object("src/a.png", "dst/a copy.png");
  REQUIRE_MESSAGE(copy.ok(), copy.status().to_string());
  CHECK(rig.server.object("bkt", "dst/a copy.png") == "PNG");

  auto processed =
      rig.client->process_to_file("src/a.png", "image/resize,w_10/format,webp", dir.file("p.webp"));
  REQUIRE_MESSAGE(processed.ok(), processed.status().to_string());
  CHECK(read_file(dir.file("p.webp")) == "processed[image/resize,w_10/format,webp]:PNG");
  CHECK(processed->content_type == "image/webp");

  auto task =
      rig.client->async_process("src/a.png", "video/convert,f_mp4|sys/saveas,b_YmI,o_b3V0Lm1wNA");
  REQUIRE_MESSAGE(task.ok(), task.status().to_string());
  CHECK(task->task_id == "MediaConvert-42");
  CHECK(task->event_id == "evt-1");
  CHECK(task->request_id == "async-req");
  CHECK(rig.server.signature_failures == 0);
}

TEST_CASE("oss client: STS credentials send x-oss-security-token, signed in V4 and V1") {
  for (auto version : {SignatureVersion::kV4, SignatureVersion::kV1}) {
    CAPTURE(static_cast<int>(version));
    Credentials sts = kTestCreds;
    sts.security_token = "sts-token-value-0123";
    Rig rig([&](OssClientOptions& o) { o.signature = version; }, fixed(sts));
    REQUIRE(rig.client->put_object_data("s.txt", "x").ok());
    CHECK(find_header(rig.server.last_headers(), "x-oss-security-token") == sts.security_token);
    CHECK(rig.server.signature_failures == 0);
  }
}

TEST_CASE("oss client: a presigned GET URL is accepted by the server and carries no secret") {
  Rig rig;
  rig.server.put_object("bkt", "dir/photo 1.jpg", "JPEG");
  auto url = rig.client->presign_get("dir/photo 1.jpg", 600, "image/resize,w_100");
  REQUIRE_MESSAGE(url.ok(), url.status().to_string());
  CHECK(url->rfind(
            rig.server.endpoint() + "/bkt/dir/photo%201.jpg?x-oss-process=image%2Fresize%2Cw_100&",
            0) == 0);
  CHECK(url->find("x-oss-expires=600") != std::string::npos);
  CHECK(url->find(kTestCreds.access_key_secret) == std::string::npos);

  HttplibClient http;
  Exchange ex;
  ex.method = "GET";
  ex.url = *url;
  auto reply = http.send(ex);
  REQUIRE(reply.ok());
  CHECK(reply->status == 200);
  CHECK(reply->body == "processed[image/resize,w_100]:JPEG");
  CHECK(rig.server.signature_failures == 0);

  ex.url = url->substr(0, url->size() - 1) + (url->back() == '0' ? "1" : "0");  // tampered
  reply = http.send(ex);
  REQUIRE(reply.ok());
  CHECK(reply->status == 403);
  CHECK(rig.server.signature_failures == 1);

  CHECK(rig.client->presign_get("k", 0).status().id() == "oss.sign.expires");
}

TEST_CASE("oss client: credentials errors are returned as is and create() checks options") {
  Rig rig(nullptr, [] {
    return Result<Credentials>(Status::error("credentials.not_found", "no source configured"));
  });
  CHECK(rig.client->head_object("k").status().id() == "credentials.not_found");
  CHECK(rig.server.requests == 0);

  // source_from adapts a provider (the chain in main.cpp).
  struct Provider final : CredentialProvider {
    int calls = 0;
    std::string name() const override { return "test"; }
    bool configured(std::string&) const override { return true; }
    Result<ResolvedCredentials> get() override {
      if (++calls == 1) return Status::error("credentials.test", "first call fails");
      return ResolvedCredentials{kTestCreds, std::nullopt, "test"};
    }
  } provider;
  Rig chained(nullptr, source_from(provider));
  CHECK(chained.client->put_object_data("k", "v").status().id() == "credentials.test");
  CHECK(chained.client->put_object_data("k", "v").ok());
  CHECK(provider.calls == 2);

  HttplibClient http;
  SystemClock clock;
  OssClientOptions o;
  o.bucket = "b";
  o.region = "Not A Region";
  CHECK(OssClient::create(o, fixed(), http, clock).status().id() == "oss.config.region");
  o.region = "cn-hangzhou";
  o.bucket = "";
  CHECK(OssClient::create(o, fixed(), http, clock).status().id() == "oss.config.bucket");
  o.bucket = "b";
  o.endpoint = "ftp://x";
  CHECK(OssClient::create(o, fixed(), http, clock).status().id() == "oss.config.endpoint");
}

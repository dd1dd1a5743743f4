// OssClient file transfers against the fake server: multipart uploads with parallel parts (and
// the abort on a failing part), the multipart steps one by one, and a streamed GET that goes
// through a temporary name beside the target.
#include <doctest/doctest.h>

#include "oss/oss_client.h"
#include "oss_test_support.h"

using namespace omm::oss;
using namespace omm::oss::testing;

namespace {

struct Rig {
  FakeOssServer server;
  HttplibClient http;
  SystemClock clock;
  std::unique_ptr<OssClient> client;
  Rig() {
    OssClientOptions o = client_options(server);
    o.multipart_threshold = 256 * 1024;
    o.part_size = 100 * 1024;
    o.part_threads = 4;
    auto c = OssClient::create(o, fixed(), http, clock);
    REQUIRE(c.ok());
    client = std::move(*c);
  }
};

}  // namespace

TEST_CASE("oss transfer: above the threshold put uses multipart, parts in parallel, CRC combined") {
  Rig rig;
  ScratchDir dir("oss-mp");
  const std::string data = pattern(1000 * 1024 + 123, 7);  // 11 parts, the last one short
  write_file(dir.file("big.bin"), data);
  auto put = rig.client->put_object("v/big.bin", dir.file("big.bin"));
  REQUIRE_MESSAGE(put.ok(), put.status().to_string());
  CHECK(put->multipart);
  CHECK(put->size == data.size());
  CHECK(put->crc64 == crc64_ecma(data));
  CHECK(rig.server.object("bkt", "v/big.bin") == data);
  CHECK(rig.server.count("PUT /bkt/v/big.bin?partNumber&uploadId") == 11);
  CHECK(rig.server.max_parts_in_flight >= 2);
  CHECK(rig.server.open_uploads() == 0);
  CHECK(rig.server.aborts == 0);

  // At the threshold exactly: one PutObject.
  write_file(dir.file("small.bin"), data.substr(0, 256 * 1024));
  auto small = rig.client->put_object("v/small.bin", dir.file("small.bin"));
  REQUIRE(small.ok());
  CHECK_FALSE(small->multipart);
}

TEST_CASE("oss transfer: a failing part aborts the upload and returns the part's error") {
  Rig rig;
  ScratchDir dir("oss-mp-fail");
  write_file(dir.file("big.bin"), pattern(600 * 1024, 9));
  rig.server.fail_part = 3;
  auto put = rig.client->put_object("v/big.bin", dir.file("big.bin"));
  CHECK(put.status().id() == "oss.InternalError");
  CHECK(put.status().message().find("UploadPart 3 of bkt/v/big.bin") == 0);
  CHECK(rig.server.aborts == 1);
  CHECK(rig.server.open_uploads() == 0);
  CHECK(rig.server.count("POST /bkt/v/big.bin?uploadId") == 0);  // never completed
  CHECK_FALSE(rig.server.object("bkt", "v/big.bin").has_value());

  // A wrong object CRC in the Complete answer: the upload is aborted and the caller told.
  rig.server.fail_part = 0;
  rig.server.wrong_crc = 1;
  put = rig.client->put_object("v/big2.bin", dir.file("big.bin"));
  CHECK(put.status().id() == "oss.crc64.mismatch");
  CHECK(rig.server.aborts == 2);
}

TEST_CASE("oss transfer: an initiate whose answer is lost leaves no upload behind") {
  Rig rig;
  ScratchDir dir("oss-mp-orphan");
  write_file(dir.file("big.bin"), pattern(300 * 1024, 3));
  auto other = rig.client->initiate_multipart("v/other.bin");  // another key: left alone
  REQUIRE(other.ok());
  rig.server.drop_initiate_answer = 1;  // the upload is created, then the answer is cut
  auto put = rig.client->put_object("v/big.bin", dir.file("big.bin"));
  CHECK(put.status().id() == "oss.network");
  CHECK(rig.server.count("POST /bkt/v/big.bin?uploads") == 1);  // not sent again
  CHECK(rig.server.aborts == 1);
  auto listed = rig.client->list_multipart_uploads("v/");
  REQUIRE(listed.ok());
  REQUIRE(listed->uploads.size() == 1);
  CHECK(listed->uploads[0].upload_id == *other);
}

TEST_CASE("oss transfer: multipart steps by hand, ListMultipartUploads, Abort") {
  Rig rig;
  ScratchDir dir("oss-mp-steps");
  const std::string data = pattern(250 * 1024, 5);
  write_file(dir.file("f.bin"), data);
  auto id = rig.client->initiate_multipart("m/a.bin");
  REQUIRE(id.ok());
  auto id2 = rig.client->initiate_multipart("m/b.bin");
  REQUIRE(id2.ok());
  auto listed = rig.client->list_multipart_uploads("m/");
  REQUIRE(listed.ok());
  REQUIRE(listed->uploads.size() == 2);
  CHECK(listed->uploads[0].key == "m/a.bin");
  CHECK(listed->uploads[0].upload_id == *id);

  auto p2 = rig.client->upload_part("m/a.bin", *id, 2, FileBody{dir.file("f.bin"), 100, 150});
  auto p1 = rig.client->upload_part("m/a.bin", *id, 1, FileBody{dir.file("f.bin"), 0, 100});
  REQUIRE(p1.ok());
  REQUIRE(p2.ok());
  CHECK(p1->crc64 == crc64_ecma(data.substr(0, 100)));
  auto done = rig.client->complete_multipart("m/a.bin", *id, {*p1, *p2});
  REQUIRE_MESSAGE(done.ok(), done.status().to_string());
  CHECK(rig.server.object("bkt", "m/a.bin") == data.substr(0, 250));
  CHECK(done->crc64 == crc64_ecma(data.substr(0, 250)));

  CHECK(rig.client->abort_multipart("m/b.bin", *id2).ok());
  listed = rig.client->list_multipart_uploads("m/");
  REQUIRE(listed.ok());
  CHECK(listed->uploads.empty());
  auto gone = rig.client->complete_multipart("m/b.bin", *id2, {*p1});
  CHECK(gone.status().id() == "oss.NoSuchUpload");
}

TEST_CASE("oss transfer: GET streams into a temporary name beside the target, then renames") {
  Rig rig;
  ScratchDir dir("oss-get-stream");
  const std::string data = pattern(4 << 20, 11);
  rig.server.put_object("bkt", "v/clip.mp4", data);
  const std::string target = dir.file("clip.mp4");
  bool target_existed = true;
  std::vector<std::string> names;
  uintmax_t partial = 0;
  rig.server.on_stream = [&] {
    target_existed = std::filesystem::exists(target);
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
      names.push_back(e.path().filename().string());
      partial = e.file_size();
    }
  };
  auto got = rig.client->get_object_to_file("v/clip.mp4", target);
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK_FALSE(target_existed);
  REQUIRE(names.size() == 1);
  CHECK(names[0].rfind(".clip.mp4.", 0) == 0);
  CHECK(names[0].size() > std::string(".clip.mp4..part").size());
  CHECK(partial < data.size());
  CHECK(read_file(target) == data);
  CHECK(dir.entries() == 1);

  // Writing into a directory that does not exist: a local error, nothing requested.
  const int before = rig.server.requests;
  auto bad = rig.client->get_object_to_file("v/clip.mp4", dir.file("no/such/dir/x"));
  CHECK(bad.status().id() == "oss.local_io");
  CHECK(rig.server.requests == before);
}

TEST_CASE("oss transfer: cancelling stops a download and a multipart upload (then aborted)") {
  Rig rig;
  ScratchDir dir("oss-cancel");
  rig.server.put_object("bkt", "v/clip.mp4", pattern(4 << 20, 13));
  std::atomic<bool> stop{false};
  rig.server.on_stream = [&] { stop = true; };
  GetOptions get;
  get.cancelled = [&] { return stop.load(); };
  auto got = rig.client->get_object_to_file("v/clip.mp4", dir.file("clip.mp4"), get);
  CHECK(got.status().id() == "cancelled");
  CHECK(got.status().message() == "GetObject bkt/v/clip.mp4: the call was cancelled");
  CHECK(dir.entries() == 0);
  CHECK(rig.server.requests == 1);  // not retried

  write_file(dir.file("big.bin"), pattern(1000 * 1024, 17));
  PutOptions put;
  put.cancelled = [&] { return rig.server.count("PUT /bkt/v/big.bin?partNumber") >= 2; };
  auto up = rig.client->put_object("v/big.bin", dir.file("big.bin"), put);
  CHECK(up.status().id() == "cancelled");
  CHECK(rig.server.count("PUT /bkt/v/big.bin?partNumber") < 11);
  CHECK(rig.server.aborts == 1);
  CHECK(rig.server.open_uploads() == 0);
  CHECK_FALSE(rig.server.object("bkt", "v/big.bin").has_value());
}

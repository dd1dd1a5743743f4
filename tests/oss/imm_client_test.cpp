// ImmClient against the fake server, which recomputes each ACS3 signature: typed helpers, the
// generic call, POP error JSON → imm.<Code>, retries of reads only, skew correction.
#include "oss/imm_client.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oss_test_support.h"

using namespace omm::oss;
using namespace omm::oss::testing;

namespace {

struct Rig {
  FakeOssServer server;
  HttplibClient http;
  ConnectFaults faults{http};
  SystemClock clock;
  std::unique_ptr<ImmClient> client;
  explicit Rig(Credentials creds = kTestCreds) {
    ImmClientOptions o;
    o.region = kTestRegion;
    o.endpoint = server.endpoint();
    o.retry = RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
    auto c = ImmClient::create(o, fixed(creds), faults, clock);
    REQUIRE(c.ok());
    client = std::move(*c);
  }
};

}  // namespace

TEST_CASE("imm client: typed helpers send signed RPC POSTs and read the answers") {
  Rig rig;
  auto task = rig.client->get_task("proj", "MediaConvert", "MediaConvert-1");
  REQUIRE_MESSAGE(task.ok(), task.status().to_string());
  CHECK(task->status == "Succeeded");
  CHECK(task->progress == 100);
  CHECK(task->task_id == "MediaConvert-1");
  CHECK(task->task_type == "MediaConvert");
  CHECK(task->request_id.rfind("imm-req-", 0) == 0);
  const Params h = rig.server.last_headers();
  CHECK(find_header(h, "x-acs-action") == "GetTask");
  CHECK(find_header(h, "x-acs-version") == "2020-09-30");
  CHECK(find_header(h, "host") == "127.0.0.1:" + std::to_string(rig.server.port()));
  CHECK(find_header(h, "authorization")
            ->rfind("ACS3-HMAC-SHA256 Credential=" + kTestCreds.access_key_id + ",SignedHeaders=",
                    0) == 0);

  auto created = rig.client->create_project("new-proj");
  REQUIRE(created.ok());
  CHECK(created->name == "new-proj");
  CHECK(created->service_role == "AliyunIMMDefaultRole");
  auto known = rig.client->get_project("known");
  REQUIRE(known.ok());
  CHECK(known->name == "known");
  CHECK(rig.client->attach_oss_bucket("known", "bkt").ok());
  CHECK(rig.client->get_oss_bucket_attachment("bkt").value() == "known");

  auto wm = rig.client->create_decode_blind_watermark_task("known", "oss://bkt/a b.jpg", "medium");
  REQUIRE(wm.ok());
  CHECK(wm->task_id == "DecodeBlindWatermark-7");
  auto raw = rig.client->call(
      "CreateDecodeBlindWatermarkTask",
      {{"ProjectName", "known"}, {"SourceURI", "oss://bkt/x*y~z.jpg"}, {"StrengthLevel", ""}});
  REQUIRE(raw.ok());
  CHECK((*raw)["Echo"] == "oss://bkt/x*y~z.jpg|");
  auto result = rig.client->get_decode_blind_watermark_result("known", wm->task_id);
  REQUIRE(result.ok());
  CHECK(result->content == "(c) ACME");
  CHECK(rig.server.signature_failures == 0);
}

TEST_CASE("imm client: POP error JSON maps to imm.<Code>; reads retry, creates do not") {
  Rig rig;
  auto missing = rig.client->get_project("nope");
  CHECK(missing.status().id() == "imm.ResourceNotFound");
  CHECK(missing.status().message().find("GetProject: The specified resource project is not found. "
                                        "(HTTP 404, RequestId imm-req-") == 0);
  CHECK(rig.server.requests == 1);

  rig.server.requests = 0;
  rig.server.imm_503 = 2;
  CHECK(rig.client->get_task("p", "MediaConvert", "MediaConvert-1").ok());
  CHECK(rig.server.requests == 3);

  // A create refused with 503 was not taken: sent again.
  rig.server.requests = 0;
  rig.server.imm_503 = 1;
  auto created = rig.client->create_project("p");
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  CHECK(rig.server.requests == 2);

  rig.server.requests = 0;
  rig.server.imm_error = 1;
  auto invalid = rig.client->get_task("p", "MediaConvert", "x");
  CHECK(invalid.status().id() == "imm.InvalidParameter");
  CHECK(rig.server.requests == 1);

  // A create is sent again only when nothing reached the server.
  rig.server.requests = 0;
  rig.faults.sends = 0;
  rig.faults.fail = 1;
  CHECK(rig.client->create_project("p2").ok());
  CHECK(rig.faults.sends == 2);
  CHECK(rig.server.requests == 1);

  Rig wrong(Credentials{kTestCreds.access_key_id, "wrong-secret-value", ""});
  auto bad = wrong.client->get_task("p", "MediaConvert", "x");
  CHECK(bad.status().id() == "imm.IncompleteSignature");
  CHECK(bad.status().message().find("wrong-secret-value") == std::string::npos);
}

TEST_CASE("imm client: a skewed server clock is learned and the call succeeds") {
  Rig rig;
  rig.server.skew_seconds = -5000;
  CHECK(rig.client->create_project("p").ok());
  CHECK(rig.server.skew_rejections == 1);
  CHECK(rig.client->skew().offset().count() <= -4998);
  CHECK(rig.client->get_project("known").ok());
  CHECK(rig.server.skew_rejections == 1);
}

TEST_CASE("imm client: endpoint from the region, or custom; bad options refused") {
  HttplibClient http;
  SystemClock clock;
  ImmClientOptions o;
  o.region = "cn-shanghai";
  auto c = ImmClient::create(o, fixed(), http, clock);
  REQUIRE(c.ok());
  CHECK((*c)->endpoint_url() == "https://imm.cn-shanghai.aliyuncs.com");
  o.endpoint = "imm-vpc.cn-shanghai.aliyuncs.com/";
  CHECK(ImmClient::create(o, fixed(), http, clock).value()->endpoint_url() ==
        "https://imm-vpc.cn-shanghai.aliyuncs.com");
  o.endpoint = "ftp://x";
  CHECK(ImmClient::create(o, fixed(), http, clock).status().id() == "imm.config.endpoint");
  o.endpoint.clear();
  o.region = "";
  CHECK(ImmClient::create(o, fixed(), http, clock).status().id() == "imm.config.region");
}

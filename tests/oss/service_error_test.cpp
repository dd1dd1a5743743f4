#include "oss/service_error.h"

#include <doctest/doctest.h>

#include "oss/hash.h"

using namespace omm::oss;
using omm::Status;

TEST_CASE("service error: OSS XML bodies, x-oss-err headers and unreadable answers") {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist.</Message><RequestId>5C3D9175B6FC</RequestId>"
      "<HostId>h</HostId><EC>0015-00000101</EC><SignatureProvided>sig-value</SignatureProvided>"
      "<StringToSign>sts</StringToSign></Error>";
  auto e = parse_oss_error(404, {}, xml);
  CHECK(e.code == "NoSuchBucket");
  CHECK(e.request_id == "5C3D9175B6FC");
  CHECK(e.ec == "0015-00000101");
  Status s = service_status("oss", e, "GetObject b/k");
  CHECK(s.id() == "oss.NoSuchBucket");
  CHECK(s.message() ==
        "GetObject b/k: The specified bucket does not exist. (HTTP 404, RequestId "
        "5C3D9175B6FC, EC 0015-00000101)");
  CHECK(s.message().find("sig-value") == std::string::npos);

  // HEAD: no body; the document is base64 in x-oss-err.
  const std::string head_xml =
      "<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>r1</RequestId></Error>";
  e = parse_oss_error(404, {{"x-oss-err", base64_encode(head_xml)}, {"x-oss-ec", "0026-00000001"}},
                      "");
  CHECK(e.code == "NoSuchKey");
  CHECK(e.ec == "0026-00000001");
  CHECK(service_status("oss", e, "").message() ==
        "gone (HTTP 404, RequestId r1, EC 0026-00000001)");

  e = parse_oss_error(502, {{"x-oss-request-id", "rid"}}, "<html>bad gateway</html>");
  CHECK(e.code == "BadErrorResponse");
  CHECK(e.request_id == "rid");
  CHECK(service_status("oss", e, "").id() == "oss.BadErrorResponse");

  e = parse_oss_error(400, {}, R"({"Code":"InvalidArgument","Message":"bad ops"})");
  CHECK(service_status("oss", e, "").id() == "oss.InvalidArgument");
}

TEST_CASE("service error: POP JSON bodies, codes made safe, transport failures") {
  auto e = parse_pop_error(
      400, {}, R"({"RequestId":"R","HostId":"imm","Code":"Throttling.User","Message":"slow"})");
  CHECK(service_status("imm", e, "GetTask").id() == "imm.Throttling.User");
  CHECK(service_status("imm", e, "GetTask").message() == "GetTask: slow (HTTP 400, RequestId R)");
  e = parse_pop_error(403, {}, R"({"requestId":"r","code":"Forbidden.RAM","message":"m"})");
  CHECK(e.code == "Forbidden.RAM");
  CHECK(e.request_id == "r");
  e = parse_pop_error(500, {{"x-acs-request-id", "hdr"}}, "");
  CHECK(e.code == "BadErrorResponse");
  CHECK(e.request_id == "hdr");
  e.code = "Bad Code/<x>";
  CHECK(service_status("imm", e, "").id() == "imm.Bad_Code__x_");

  CHECK(network_status("oss", Status::error("http.receive", "GET u failed: Read")).id() ==
        "oss.network");
  CHECK(network_status("imm", Status::error("http.connect", "m")).message() == "m");
  CHECK(network_status("oss", Status::error("http.canceled", "m")).id() == "http.canceled");
  CHECK(network_status("oss", Status::error("oss.local_io", "m")).id() == "oss.local_io");
}

#include "mcp/jsonrpc.h"

#include <doctest/doctest.h>

using nlohmann::json;
using omm::mcp::classify;
using omm::mcp::MessageKind;

TEST_CASE("classify: requests, notifications, responses and invalid messages") {
  struct Case {
    const char* text;
    MessageKind kind;
    int code;
  } cases[] = {
      {R"({"jsonrpc":"2.0","id":1,"method":"ping"})", MessageKind::kRequest, 0},
      {R"({"jsonrpc":"2.0","id":0,"method":"ping"})", MessageKind::kRequest, 0},
      {R"({"jsonrpc":"2.0","id":"a","method":"ping","params":{}})", MessageKind::kRequest, 0},
      {R"({"jsonrpc":"2.0","method":"notifications/initialized"})", MessageKind::kNotification, 0},
      {R"({"jsonrpc":"2.0","id":"srv-1","result":{}})", MessageKind::kResponse, 0},
      {R"({"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}})", MessageKind::kResponse, 0},
      {R"({"id":1,"method":"ping"})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":{},"method":"ping"})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":1,"method":5})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})", MessageKind::kInvalid, -32600},
      {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", MessageKind::kInvalid, -32600},
      {R"("hello")", MessageKind::kInvalid, -32600},
      {R"({"jsonrpc":"2.0"})", MessageKind::kInvalid, -32600},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = classify(json::parse(c.text));
    CHECK(r.kind == c.kind);
    CHECK(r.error_code == c.code);
  }
}

TEST_CASE("classify keeps a valid id on invalid requests so the error can echo it") {
  auto r = classify(json::parse(R"({"jsonrpc":"2.0","id":7,"method":5})"));
  CHECK(r.kind == MessageKind::kInvalid);
  CHECK(r.id == 7);
}

TEST_CASE("message builders") {
  CHECK(omm::mcp::make_result(1, json::object()).dump() ==
        R"({"id":1,"jsonrpc":"2.0","result":{}})");
  CHECK(omm::mcp::make_error(nullptr, -32700, "Parse error").dump() ==
        R"({"error":{"code":-32700,"message":"Parse error"},"id":null,"jsonrpc":"2.0"})");
  CHECK(omm::mcp::make_notification("notifications/x", nullptr).dump() ==
        R"({"jsonrpc":"2.0","method":"notifications/x"})");
  CHECK(omm::mcp::id_key(json(1)) != omm::mcp::id_key(json("1")));
}

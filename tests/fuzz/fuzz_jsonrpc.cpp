// fuzz_jsonrpc: classify() and the message builders on arbitrary JSON.
//
// Checked: classify never throws; an invalid message carries a JSON-RPC error code (-32600) and a
// string/integer/null id; a request has a string or integer id and a string method; responses
// and requests built from a classified id classify back to the same kind and id; id_key maps
// equal ids to equal keys and ids of different types apart.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "mcp/jsonrpc.h"

namespace {

using nlohmann::json;
using omm::mcp::Classified;
using omm::mcp::MessageKind;

void check(bool ok, const char* what, const json& message) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_jsonrpc: %s: %s\n", what,
               message.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
  std::abort();
}

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json message = json::parse(data, data + size, nullptr, false);
  if (message.is_discarded()) return 0;
  Classified c = omm::mcp::classify(message);
  switch (c.kind) {
    case MessageKind::kInvalid:
      check(c.error_code == omm::mcp::rpc::kInvalidRequest, "invalid without -32600", message);
      check(!c.error_message.empty(), "invalid without a message", message);
      check(c.id.is_null() || valid_id(c.id), "invalid with a bad id", message);
      break;
    case MessageKind::kRequest:
      check(valid_id(c.id), "request with a bad id", message);
      check(message["method"].is_string(), "request without a string method", message);
      break;
    case MessageKind::kNotification:
      check(!message.contains("id"), "notification with an id", message);
      check(message["method"].is_string(), "notification without a string method", message);
      break;
    case MessageKind::kResponse:
      check(valid_id(c.id) || c.id.is_null(), "response with a bad id", message);
      check(message.contains("result") != message.contains("error"), "response shape", message);
      break;
  }

  // Builders round-trip through classify with any id classify accepted.
  json id = valid_id(c.id) ? c.id : json(7);
  json result = omm::mcp::make_result(id, message);
  Classified r = omm::mcp::classify(result);
  check(r.kind == MessageKind::kResponse && r.id == id, "make_result does not classify back",
        result);
  json error = omm::mcp::make_error(id, -32602, "x", &message);
  check(omm::mcp::classify(error).kind == MessageKind::kResponse, "make_error shape", error);
  json params = message.is_object() ? message : json::object();
  json request = omm::mcp::make_request(id, "tools/call", params);
  Classified q = omm::mcp::classify(request);
  check(q.kind == MessageKind::kRequest && q.id == id, "make_request does not classify back",
        request);
  json note = omm::mcp::make_notification("notifications/progress", params);
  check(omm::mcp::classify(note).kind == MessageKind::kNotification, "make_notification", note);

  // id_key: a map key for any id-like value (the cancel path passes arbitrary JSON).
  std::string key = omm::mcp::id_key(message);
  check(!key.empty(), "empty id_key", message);
  check(omm::mcp::id_key(id) == omm::mcp::id_key(json(id)), "id_key unstable", id);
  if (id.is_string()) {
    check(omm::mcp::id_key(id) != omm::mcp::id_key(json::parse("1")), "id_key collision", id);
  }
  return 0;
}

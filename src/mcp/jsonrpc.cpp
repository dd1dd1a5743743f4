#include "mcp/jsonrpc.h"

namespace omm::mcp {

namespace {
bool valid_id(const nlohmann::json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}
Classified invalid(int code, std::string msg, nlohmann::json id = nullptr) {
  Classified c;
  c.kind = MessageKind::kInvalid;
  c.error_code = code;
  c.error_message = std::move(msg);
  c.id = std::move(id);
  return c;
}
}  // namespace

Classified classify(const nlohmann::json& m) {
  if (m.is_array()) {
    return invalid(rpc::kInvalidRequest,
                   "Batch requests are not supported (one message per line/body)");
  }
  if (!m.is_object()) return invalid(rpc::kInvalidRequest, "A JSON-RPC message must be an object");
  nlohmann::json id = nullptr;
  auto id_it = m.find("id");
  bool has_id = id_it != m.end();
  if (has_id && valid_id(*id_it)) id = *id_it;
  auto v = m.find("jsonrpc");
  if (v == m.end() || !v->is_string() || v->get<std::string>() != "2.0") {
    return invalid(rpc::kInvalidRequest, "\"jsonrpc\" must be \"2.0\"", id);
  }
  auto method = m.find("method");
  if (method != m.end()) {
    if (!method->is_string())
      return invalid(rpc::kInvalidRequest, "\"method\" must be a string", id);
    auto params = m.find("params");
    if (params != m.end() && !params->is_object() && !params->is_array()) {
      return invalid(rpc::kInvalidRequest, "\"params\" must be an object", id);
    }
    Classified c;
    if (!has_id) {
      c.kind = MessageKind::kNotification;
      return c;
    }
    if (!valid_id(*id_it)) {
      return invalid(rpc::kInvalidRequest, "\"id\" must be a string or an integer");
    }
    c.kind = MessageKind::kRequest;
    c.id = *id_it;
    return c;
  }
  bool has_result = m.contains("result");
  bool has_error = m.contains("error");
  if (has_id && (has_result != has_error)) {
    if (!valid_id(*id_it) && !id_it->is_null()) {
      return invalid(rpc::kInvalidRequest, "\"id\" must be a string or an integer");
    }
    Classified c;
    c.kind = MessageKind::kResponse;
    c.id = *id_it;
    return c;
  }
  return invalid(rpc::kInvalidRequest, "Not a request, notification or response", id);
}

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result) {
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json make_error(const nlohmann::json& id, int code, std::string_view message,
                          const nlohmann::json* data) {
  nlohmann::json err{{"code", code}, {"message", message}};
  if (data != nullptr) err["data"] = *data;
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}};
}

nlohmann::json make_notification(std::string_view method, nlohmann::json params) {
  nlohmann::json n{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) n["params"] = std::move(params);
  return n;
}

nlohmann::json make_request(const nlohmann::json& id, std::string_view method,
                            nlohmann::json params) {
  nlohmann::json r{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) r["params"] = std::move(params);
  return r;
}

std::string id_key(const nlohmann::json& id) {
  if (id.is_string()) return "s:" + id.get<std::string>();
  return "i:" + id.dump();
}

}  // namespace omm::mcp

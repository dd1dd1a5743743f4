// JSON-RPC 2.0 message helpers: error codes, message construction and classification.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace omm::mcp {

namespace rpc {
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kResourceNotFound = -32002;  // MCP 2025-11-25
constexpr int kRequestTimeout = -32001;
// The answer an HTTP POST gets when its request was cancelled (the code JSON-RPC stacks such as
// LSP use); over stdio a cancelled request gets no response at all.
constexpr int kRequestCancelled = -32800;
}  // namespace rpc

enum class MessageKind { kRequest, kNotification, kResponse, kInvalid };

struct Classified {
  MessageKind kind = MessageKind::kInvalid;
  // For kInvalid: the error to answer with (code + message) and the id to use (null if unknown).
  int error_code = 0;
  std::string error_message;
  nlohmann::json id;  // request / response id, or null
};

// Classifies a parsed message. Checks jsonrpc == "2.0", id type (string or integer, never null),
// method type, and that a response has exactly one of result / error.
Classified classify(const nlohmann::json& message);

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json make_error(const nlohmann::json& id, int code, std::string_view message,
                          const nlohmann::json* data = nullptr);
nlohmann::json make_notification(std::string_view method, nlohmann::json params);
nlohmann::json make_request(const nlohmann::json& id, std::string_view method,
                            nlohmann::json params);

// A stable map key for a request id ("s:abc" / "i:42").
std::string id_key(const nlohmann::json& id);

}  // namespace omm::mcp

#include "oss/service_error.h"

#include <nlohmann/json.hpp>

#include "core/base64url.h"
#include "oss/oss_xml.h"

namespace omm::oss {
namespace {

std::optional<std::string> base64_decode(std::string text) {
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return core::base64url_decode(text);
}

bool fill_from_xml(std::string_view xml, ServiceError& e) {
  auto code = xml_text(xml, "Code");
  if (!code || code->empty()) return false;
  e.code = *code;
  e.message = xml_text(xml, "Message").value_or("");
  if (auto id = xml_text(xml, "RequestId")) e.request_id = *id;
  if (auto ec = xml_text(xml, "EC")) e.ec = *ec;
  return true;
}

std::string json_field(const nlohmann::json& j, const char* upper, const char* lower) {
  for (const char* name : {upper, lower}) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

std::string safe_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "BadErrorResponse" : out;
}

}  // namespace

std::string response_request_id(const Params& headers) {
  if (auto id = find_header(headers, "x-oss-request-id")) return *id;
  if (auto id = find_header(headers, "x-acs-request-id")) return *id;
  return {};
}

ServiceError parse_oss_error(int http_status, const Params& headers, std::string_view body) {
  ServiceError e;
  e.http_status = http_status;
  bool parsed = fill_from_xml(body, e);
  if (!parsed) {
    if (auto err = find_header(headers, "x-oss-err")) {
      if (auto xml = base64_decode(*err)) parsed = fill_from_xml(*xml, e);
    }
  }
  if (!parsed && !body.empty()) {
    // Process and async-process answers may carry JSON errors.
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && !json_field(j, "Code", "code").empty()) {
      e.code = json_field(j, "Code", "code");
      e.message = json_field(j, "Message", "message");
      e.request_id = json_field(j, "RequestId", "requestId");
      parsed = true;
    }
  }
  if (!parsed) {
    e.code = "BadErrorResponse";
    e.message = "HTTP " + std::to_string(http_status) + " without a readable error document";
  }
  if (e.request_id.empty()) e.request_id = response_request_id(headers);
  if (e.ec.empty()) e.ec = find_header(headers, "x-oss-ec").value_or("");
  return e;
}

ServiceError parse_pop_error(int http_status, const Params& headers, std::string_view body) {
  ServiceError e;
  e.http_status = http_status;
  bool parsed = false;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && !json_field(j, "Code", "code").empty()) {
    e.code = json_field(j, "Code", "code");
    e.message = json_field(j, "Message", "message");
    e.request_id = json_field(j, "RequestId", "requestId");
    parsed = true;
  } else {
    parsed = fill_from_xml(body, e);
  }
  if (!parsed) {
    e.code = "BadErrorResponse";
    e.message = "HTTP " + std::to_string(http_status) + " without a readable error document";
  }
  if (e.request_id.empty()) e.request_id = response_request_id(headers);
  return e;
}

Status service_status(std::string_view prefix, const ServiceError& e, std::string_view context) {
  std::string msg;
  if (!context.empty()) msg = std::string(context) + ": ";
  msg += e.message.empty() ? e.code : e.message;
  msg += " (HTTP " + std::to_string(e.http_status);
  if (!e.request_id.empty()) msg += ", RequestId " + e.request_id;
  if (!e.ec.empty()) msg += ", EC " + e.ec;
  msg += ")";
  // A missing object is the same condition on every backend: one id (docs/contracts.md).
  if (prefix == "oss" && e.code == "NoSuchKey") return Status::error("object.NoSuchKey", msg);
  return Status::error(std::string(prefix) + "." + safe_code(e.code), msg);
}

Status network_status(std::string_view prefix, const Status& transport_failure) {
  const std::string& id = transport_failure.id();
  if (id == "http.canceled" || id == "http.file" || id.rfind("http.", 0) != 0) {
    return transport_failure;
  }
  return Status::error(std::string(prefix) + ".network", transport_failure.message());
}

}  // namespace omm::oss

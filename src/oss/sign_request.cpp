#include "oss/sign_request.h"

#include "oss/percent_encode.h"

namespace omm::oss {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<std::string> find_header(const Params& headers, std::string_view name) {
  const std::string wanted = to_lower(name);
  std::optional<std::string> value;
  for (const auto& [n, v] : headers) {
    if (to_lower(n) != wanted) continue;
    if (value) {
      *value += ',';
      *value += trim(v);
    } else {
      value = trim(v);
    }
  }
  return value;
}

void set_header(Params& headers, std::string_view name, std::string value) {
  const std::string wanted = to_lower(name);
  std::erase_if(headers, [&](const auto& h) { return to_lower(h.first) == wanted; });
  headers.emplace_back(std::string(name), std::move(value));
}

bool has_param(const Params& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.first == name) return true;
  }
  return false;
}

std::string encode_query(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(k);
    if (!v.empty()) {
      out += '=';
      out += percent_encode(v);
    }
  }
  return out;
}

std::string encode_key_path(std::string_view key) {
  return "/" + percent_encode(key, Slash::kKeep);
}

}  // namespace omm::oss

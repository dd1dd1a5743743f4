// OpParams: the parameters of one operation, from the request JSON or from an OSS wire action.
#include <cstdlib>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using nlohmann::json;

OpParams OpParams::from_json(const json& params) {
  OpParams out;
  if (!params.is_array()) return out;
  for (const json& item : params) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) continue;
    out.values_[item["name"].get<std::string>()] = item.value("value", json());
  }
  return out;
}

namespace {

json wire_value(std::string_view text) {
  if (text.empty()) return json(std::string());
  std::string s(text);
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (end != nullptr && *end == '\0') return json(v);
  return json(s);
}

}  // namespace

OpParams OpParams::from_wire(std::string_view args) {
  OpParams out;
  std::size_t start = 0;
  while (start < args.size()) {
    std::size_t end = args.find(',', start);
    if (end == std::string_view::npos) end = args.size();
    std::string_view item = args.substr(start, end - start);
    std::size_t us = item.find('_');
    if (us == std::string_view::npos) {
      out.values_["value"] = wire_value(item);  // value-only action: "rotate,90"
    } else {
      out.values_[std::string(item.substr(0, us))] = wire_value(item.substr(us + 1));
    }
    start = end + 1;
  }
  return out;
}

bool OpParams::has(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.is_null();
}

std::int64_t OpParams::get_int(std::string_view name, std::int64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  if (it->second.is_number_integer()) return it->second.get<std::int64_t>();
  if (it->second.is_number()) return static_cast<std::int64_t>(it->second.get<double>());
  if (it->second.is_string()) {
    const std::string& s = it->second.get_ref<const std::string&>();
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end != nullptr && *end == '\0') return v;
  }
  return fallback;
}

std::string OpParams::get_text(std::string_view name, std::string fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.is_null()) return fallback;
  if (it->second.is_string()) return it->second.get<std::string>();
  return it->second.dump();
}

}  // namespace omm::engine::image

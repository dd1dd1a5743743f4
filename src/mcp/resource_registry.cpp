#include "mcp/resource_registry.h"

namespace omm::mcp {

std::vector<nlohmann::json> ResourceRegistry::listing() const {
  std::vector<nlohmann::json> out;
  for (const auto& [uri, r] : resources_) {
    nlohmann::json j{{"uri", r.uri}, {"name", r.name}};
    if (!r.title.empty()) j["title"] = r.title;
    if (!r.description.empty()) j["description"] = r.description;
    if (!r.mime_type.empty()) j["mimeType"] = r.mime_type;
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<nlohmann::json> ResourceRegistry::template_listing() const {
  std::vector<nlohmann::json> out;
  for (const auto& t : templates_) {
    nlohmann::json j{{"uriTemplate", t.uri_template}, {"name", t.name}};
    if (!t.description.empty()) j["description"] = t.description;
    if (!t.mime_type.empty()) j["mimeType"] = t.mime_type;
    out.push_back(std::move(j));
  }
  return out;
}

std::optional<std::map<std::string, std::string>> ResourceRegistry::match(std::string_view tmpl,
                                                                          std::string_view uri) {
  std::map<std::string, std::string> vars;
  size_t ti = 0;
  size_t ui = 0;
  while (ti < tmpl.size()) {
    if (tmpl[ti] == '{') {
      size_t close = tmpl.find('}', ti);
      if (close == std::string_view::npos) return std::nullopt;
      std::string name(tmpl.substr(ti + 1, close - ti - 1));
      ti = close + 1;
      // The variable runs to the next literal character of the template (or the end).
      char stop = ti < tmpl.size() ? tmpl[ti] : '\0';
      size_t end = stop == '\0' ? uri.size() : uri.find(stop, ui);
      if (end == std::string_view::npos || end == ui) return std::nullopt;
      std::string value(uri.substr(ui, end - ui));
      if (value.find('/') != std::string::npos) return std::nullopt;
      vars[name] = value;
      ui = end;
    } else {
      if (ui >= uri.size() || uri[ui] != tmpl[ti]) return std::nullopt;
      ++ti;
      ++ui;
    }
  }
  if (ui != uri.size()) return std::nullopt;
  return vars;
}

bool ResourceRegistry::exists(const std::string& uri) const {
  if (resources_.count(uri)) return true;
  for (const auto& t : templates_) {
    if (match(t.uri_template, uri)) return true;
  }
  return false;
}

Result<nlohmann::json> ResourceRegistry::read(const std::string& uri) const {
  if (auto it = resources_.find(uri); it != resources_.end()) return it->second.read(uri);
  for (const auto& t : templates_) {
    if (match(t.uri_template, uri)) return t.read(uri);
  }
  return Status::error("resource.not_found", "Resource not found: " + uri);
}

const ResourceTemplateSpec* ResourceRegistry::find_template(std::string_view uri_template) const {
  for (const auto& t : templates_) {
    if (t.uri_template == uri_template) return &t;
  }
  return nullptr;
}

}  // namespace omm::mcp

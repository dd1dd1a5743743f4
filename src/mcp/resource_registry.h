// ResourceRegistry: fixed resources, URI templates and prefix resolvers (resources/list, read,
// templates/list). Populated before serving; read-only and thread-safe afterwards (the
// callbacks themselves must be thread-safe).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace omm::mcp {

// Returns the `contents` array of resources/read. A Status with id "resource.not_found"
// becomes JSON-RPC error -32002; other ids become -32603.
using ResourceReader = std::function<Result<nlohmann::json>(const std::string& uri)>;

struct ResourceSpec {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  ResourceReader read;
};

struct ResourceTemplateSpec {
  std::string uri_template;  // RFC 6570 level 1, e.g. "test://template/{id}/data"
  std::string name;
  std::string description;
  std::string mime_type;
  ResourceReader read;  // called with the concrete URI
  std::function<std::vector<std::string>(std::string_view argument, std::string_view prefix)>
      complete;
};

class ResourceRegistry {
 public:
  void add(ResourceSpec spec) { resources_[spec.uri] = std::move(spec); }
  void add_template(ResourceTemplateSpec spec) { templates_.push_back(std::move(spec)); }

  std::vector<nlohmann::json> listing() const;
  std::vector<nlohmann::json> template_listing() const;
  bool exists(const std::string& uri) const;
  Result<nlohmann::json> read(const std::string& uri) const;
  const ResourceTemplateSpec* find_template(std::string_view uri_template) const;

  // Matches `uri` against a level-1 template; returns the variables on success.
  static std::optional<std::map<std::string, std::string>> match(std::string_view uri_template,
                                                                 std::string_view uri);

 private:
  std::map<std::string, ResourceSpec, std::less<>> resources_;
  std::vector<ResourceTemplateSpec> templates_;
};

}  // namespace omm::mcp

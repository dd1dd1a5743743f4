#define VALIJSON_USE_EXCEPTIONS 1
#include "mcp/schema_validator.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <regex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "mcp/schema_errors.h"

namespace omm::mcp {

namespace {

using nlohmann::json;

std::string dirname_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

// Normalises "a/b/../c.json" style paths.
std::string normalise(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

// Rewrites every "$ref" in `node` to "omm://schemas/<path>#<pointer>" relative to `doc_path`.
void rewrite_refs(json& node, const std::string& doc_path) {
  if (node.is_array()) {
    for (auto& n : node) rewrite_refs(n, doc_path);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "$ref" && it->is_string()) {
      std::string ref = it->get<std::string>();
      if (ref.rfind(SchemaCatalog::kUriPrefix, 0) == 0 || ref.find("://") != std::string::npos) {
        continue;
      }
      size_t hash = ref.find('#');
      std::string file = hash == std::string::npos ? ref : ref.substr(0, hash);
      std::string pointer = hash == std::string::npos ? "" : ref.substr(hash);
      std::string target = file.empty() ? doc_path : normalise(dirname_of(doc_path) + file);
      *it = std::string(SchemaCatalog::kUriPrefix) + target + pointer;
    } else {
      rewrite_refs(*it, doc_path);
    }
  }
}

// libstdc++'s std::regex (valijson's "pattern", the unknown-property messages in schema_errors)
// recurses once per character matched: some 30 000 characters overflow an 8 MiB stack. Longer
// strings and property names are refused before validation; no schema allows over 4096.
constexpr size_t kMaxStringBytes = 8192;

// Finds the first string value or property name longer than kMaxStringBytes. `path` receives
// its location (valijson-style tokens; for a name, the object holding it). Schemas nest far
// less than 64 levels, so deeper values are never matched against a pattern.
bool find_oversized(const json& node, std::vector<std::string>& path, bool* is_name, size_t* size,
                    int depth = 0) {
  if (depth > 64) return false;
  if (node.is_string()) {
    *size = node.get_ref<const std::string&>().size();
    return *size > kMaxStringBytes;
  }
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key().size() > kMaxStringBytes) {
        *is_name = true;
        *size = it.key().size();
        return true;
      }
      path.push_back(it.key());
      if (find_oversized(it.value(), path, is_name, size, depth + 1)) return true;
      path.pop_back();
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      path.push_back(std::to_string(i));
      if (find_oversized(node[i], path, is_name, size, depth + 1)) return true;
      path.pop_back();
    }
  }
  return false;
}

}  // namespace

SchemaCatalog::SchemaCatalog(std::span<const embedded::File> files) : files_(files) {}

const json* SchemaCatalog::document(std::string_view path) const {
  if (path.rfind(kUriPrefix, 0) == 0) path.remove_prefix(kUriPrefix.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = docs_.find(path);
  if (it != docs_.end()) return it->second.get();
  auto text = embedded::find(files_, path);
  if (!text) return nullptr;
  auto doc = std::make_unique<json>(json::parse(*text, nullptr, false));
  if (doc->is_discarded()) return nullptr;
  rewrite_refs(*doc, std::string(path));
  const json* raw = doc.get();
  docs_.emplace(std::string(path), std::move(doc));
  return raw;
}

struct CompiledSchema::Impl {
  valijson::Schema schema;
  json root;                               // the root document (refs rewritten)
  const SchemaCatalog* catalog = nullptr;  // for navigation of $refs; may be null
};

CompiledSchema::CompiledSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledSchema::~CompiledSchema() = default;

namespace {

Result<std::shared_ptr<const CompiledSchema>> compile_impl(
    std::unique_ptr<CompiledSchema::Impl> impl,
    const std::function<
        std::shared_ptr<const CompiledSchema>(std::unique_ptr<CompiledSchema::Impl>)>& wrap) {
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(impl->root);
    const SchemaCatalog* catalog = impl->catalog;
    auto fetch = [catalog](const std::string& uri) -> const json* {
      if (catalog == nullptr) return nullptr;
      const json* doc = catalog->document(uri);
      return doc ? new json(*doc) : nullptr;
    };
    auto free_doc = [](const json* doc) { delete doc; };
    parser.populateSchema(adapter, impl->schema, fetch, free_doc);
  } catch (const std::exception& e) {
    return Status::error("schema.invalid", e.what());
  }
  return wrap(std::move(impl));
}

}  // namespace

Result<std::shared_ptr<const CompiledSchema>> CompiledSchema::from_catalog(
    const SchemaCatalog& catalog, std::string_view path) {
  const json* doc = catalog.document(path);
  if (doc == nullptr) {
    return Status::error("schema.invalid", fmt::format("no schema document '{}'", path));
  }
  auto impl = std::make_unique<Impl>();
  impl->root = *doc;
  impl->catalog = &catalog;
  return compile_impl(std::move(impl), [](std::unique_ptr<Impl> i) {
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(i)));
  });
}

Result<std::shared_ptr<const CompiledSchema>> CompiledSchema::from_json(const json& schema) {
  auto impl = std::make_unique<Impl>();
  impl->root = schema;
  return compile_impl(std::move(impl), [](std::unique_ptr<Impl> i) {
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(i)));
  });
}

Status CompiledSchema::validate(const json& instance, std::string_view tool) const {
  std::vector<std::string> path;
  bool is_name = false;
  size_t size = 0;
  if (find_oversized(instance, path, &is_name, &size)) {
    std::string display;
    std::string id = error_id_for_path(path, instance, tool, &display);
    if (is_name) {
      return Status::error(id, fmt::format("{} has a property name of {} bytes; at most {}",
                                           display, size, kMaxStringBytes));
    }
    return Status::error(id, fmt::format("{} must be at most {} bytes long, got {} bytes", display,
                                         kMaxStringBytes, size));
  }
  valijson::ValidationResults results;
  bool ok = false;
  try {
    valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter target(instance);
    ok = validator.validate(impl_->schema, target, &results);
  } catch (const std::exception& e) {
    return Status::error(fmt::format("invalid_argument.{}", tool),
                         fmt::format("arguments could not be validated: {}", e.what()));
  }
  if (ok) return Status::ok();
  std::vector<SchemaFailure> failures;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    failures.push_back(SchemaFailure{error.context, error.description});
  }
  SchemaNavigator nav{&impl_->root, impl_->catalog};
  return describe_failure(failures, instance, nav, tool);
}

}  // namespace omm::mcp

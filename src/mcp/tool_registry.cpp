#include "mcp/tool_registry.h"

#include <spdlog/spdlog.h>

namespace omm::mcp {

void ToolRegistry::add(ToolSpec spec) {
  auto entry = std::make_unique<Entry>();
  std::string name = spec.name;
  entry->spec = std::move(spec);
  tools_[name] = std::move(entry);
}

const ToolSpec* ToolRegistry::find(std::string_view name) const {
  auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : &it->second->spec;
}

const std::vector<nlohmann::json>& ToolRegistry::listing() const {
  std::call_once(listing_once_, [this] {
    for (const auto& [name, entry] : tools_) {  // std::map: sorted by name
      if (entry->spec.describe) entry->spec.describe(entry->spec);
      const ToolSpec& s = entry->spec;
      nlohmann::json t{
          {"name", s.name}, {"description", s.description}, {"inputSchema", s.input_schema}};
      if (!s.title.empty()) t["title"] = s.title;
      if (!s.output_schema.is_null()) t["outputSchema"] = s.output_schema;
      if (!s.annotations.is_null()) t["annotations"] = s.annotations;
      if (!s.meta.is_null()) t["_meta"] = s.meta;
      listing_.push_back(std::move(t));
    }
  });
  return listing_;
}

const std::vector<std::string>& ToolRegistry::listing_text() const {
  std::call_once(listing_text_once_, [this] {
    const std::vector<nlohmann::json>* built = nullptr;  // only when some tool needs it
    size_t i = 0;
    for (const auto& [name, entry] : tools_) {
      if (!entry->spec.listing_json.empty()) {
        listing_text_.emplace_back(entry->spec.listing_json);
      } else {
        if (built == nullptr) built = &listing();
        listing_text_.push_back(
            (*built)[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
      ++i;
    }
  });
  return listing_text_;
}

Status ToolRegistry::validate(const ToolSpec& tool, const nlohmann::json& arguments) const {
  auto it = tools_.find(tool.name);
  if (it == tools_.end())
    return Status::error("invalid_argument.tool", "unknown tool " + tool.name);
  const Entry& e = *it->second;
  std::call_once(e.once, [&] {
    Result<std::shared_ptr<const CompiledSchema>> compiled =
        e.spec.validation_schema.empty() || catalog_ == nullptr
            ? CompiledSchema::from_json(e.spec.input_schema)
            : CompiledSchema::from_catalog(*catalog_, e.spec.validation_schema);
    if (compiled.ok()) {
      e.validator = *compiled;
    } else {
      e.compile_status = compiled.status();
      spdlog::error("schema for tool {} does not compile: {}", e.spec.name,
                    compiled.status().to_string());
    }
  });
  if (!e.validator) {
    return Status::error("internal.schema",
                         "the tool's schema is broken: " + e.compile_status.message());
  }
  return e.validator->validate(arguments, tool.name);
}

nlohmann::json ToolRegistry::call(const ToolSpec& tool, CallContext& ctx,
                                  const nlohmann::json& arguments) const {
  Status valid = validate(tool, arguments);
  if (!valid.is_ok()) {
    if (tool.refine_error) valid = tool.refine_error(arguments, valid);
    return error_result(valid);
  }
  try {
    return tool.handler(ctx, arguments);
  } catch (const nlohmann::json::exception& e) {
    return error_result(Status::error("invalid_argument." + tool.name, e.what()));
  } catch (const std::exception& e) {
    spdlog::error("tool {} failed: {}", tool.name, e.what());
    return error_result(Status::error("internal", std::string("unexpected failure: ") + e.what()));
  }
}

}  // namespace omm::mcp

// ToolRegistry: the tools a server offers, their published descriptions and their handlers.
//
// Every call goes through one path: arguments are validated against the tool's validation
// schema (valijson) before its handler runs; a schema failure becomes an isError result with a
// stable id. Registration happens before serving; afterwards the registry is read-only and
// thread-safe. Validators compile lazily on a tool's first call (start-up stays fast).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "mcp/call_context.h"
#include "mcp/schema_validator.h"
#include "mcp/tool_result.h"

namespace omm::mcp {

// Returns a CallToolResult object (see tool_result.h builders).
using ToolHandler = std::function<nlohmann::json(CallContext&, const nlohmann::json& arguments)>;

struct ToolSpec {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema;   // published form (tools/list); must be a JSON object schema
  nlohmann::json output_schema;  // null = none
  nlohmann::json annotations;    // null = none; {readOnlyHint, destructiveHint, …}
  // Validation schema: a path in the schema catalog ("image_process.json"); empty = validate
  // against input_schema itself.
  std::string validation_schema;
  nlohmann::json meta;  // optional `_meta` (null = none)
  ToolHandler handler;
  // Optional: when the schema refuses a call, the tool may name the error itself (the product
  // tools ask their core validator, so a call gets the same id as through the CLI). Returns the
  // status to report; the schema's status is passed in and is the default.
  std::function<Status(const nlohmann::json& arguments, const Status& schema_error)> refine_error;
  // Optional: fills the descriptive fields (title, description, schemas, annotations) once, the
  // first time tools/list is built — keeps start-up from parsing every schema.
  std::function<void(ToolSpec&)> describe;
  // Optional: this tool's tools/list entry already serialized (compact JSON, keys sorted; e.g.
  // generated at build time). When set, tools/list sends it as is: no schema is parsed or dumped.
  // It must equal the entry listing() builds (with describe).
  std::string_view listing_json;
};

class ToolRegistry {
 public:
  explicit ToolRegistry(const SchemaCatalog* catalog) : catalog_(catalog) {}

  void add(ToolSpec spec);
  const ToolSpec* find(std::string_view name) const;
  // All tools, sorted by name, in tools/list form.
  const std::vector<nlohmann::json>& listing() const;
  // The same entries serialized (listing_json where a tool has it); what tools/list sends.
  const std::vector<std::string>& listing_text() const;
  size_t size() const { return tools_.size(); }

  // Validates then runs. Never throws: handler exceptions become isError results.
  nlohmann::json call(const ToolSpec& tool, CallContext& ctx,
                      const nlohmann::json& arguments) const;
  // Validation only (ok or an invalid_argument Status).
  Status validate(const ToolSpec& tool, const nlohmann::json& arguments) const;

  // Typed registration: validates, converts with from_json, calls, serialises the result to
  // structuredContent + text.
  template <class In, class Out>
  void add_typed(ToolSpec spec, std::function<Result<Out>(CallContext&, const In&)> fn) {
    spec.handler = [fn = std::move(fn)](CallContext& ctx, const nlohmann::json& args) {
      In in = args.get<In>();
      Result<Out> out = fn(ctx, in);
      if (!out.ok()) return error_result(out.status());
      return structured_result(nlohmann::json(*out));
    };
    add(std::move(spec));
  }

 private:
  struct Entry {
    mutable ToolSpec spec;
    mutable std::once_flag once;
    mutable std::shared_ptr<const CompiledSchema> validator;
    mutable Status compile_status;
  };
  const SchemaCatalog* catalog_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> tools_;
  mutable std::once_flag listing_once_;
  mutable std::vector<nlohmann::json> listing_;
  mutable std::once_flag listing_text_once_;
  mutable std::vector<std::string> listing_text_;
};

}  // namespace omm::mcp

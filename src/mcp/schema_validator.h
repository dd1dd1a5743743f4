// Argument validation against the compiled-in JSON Schemas (valijson, draft 7).
//
// SchemaCatalog holds the validation schema documents (schemas/ compiled into the binary); their
// relative `$ref`s are rewritten to absolute "omm://schemas/<path>" URIs so references resolve the
// same way from every file. A CompiledSchema validates tool arguments and turns the deepest
// failure into a stable Status id (docs/contracts.md):
//   inside `operations[i]` with an `op`:  invalid_argument.<op>.<param>
//   elsewhere:                             invalid_argument.<tool>.<path>
// with a message naming the allowed values and the value received. Strings and property names
// longer than 8192 bytes are refused before valijson runs (std::regex recursion would overflow
// the stack on them). Compiled schemas are immutable and thread-safe; the catalog parses
// documents lazily under a mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/embedded.h"
#include "core/status.h"

namespace omm::mcp {

class SchemaCatalog {
 public:
  explicit SchemaCatalog(std::span<const embedded::File> files);
  // The parsed document at `path` ("image_process.json", "common/output.json"), refs rewritten;
  // nullptr if absent or not valid JSON. The pointer stays valid for the catalog's lifetime.
  const nlohmann::json* document(std::string_view path) const;
  static constexpr std::string_view kUriPrefix = "omm://schemas/";

 private:
  std::span<const embedded::File> files_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::unique_ptr<nlohmann::json>, std::less<>> docs_;
};

class CompiledSchema {
 public:
  ~CompiledSchema();
  // Compiles the catalog document at `path`. Fails with id "schema.invalid" on a broken schema.
  static Result<std::shared_ptr<const CompiledSchema>> from_catalog(const SchemaCatalog& catalog,
                                                                    std::string_view path);
  // Compiles a standalone schema (no external refs).
  static Result<std::shared_ptr<const CompiledSchema>> from_json(const nlohmann::json& schema);

  // Ok, or the Status for the deepest failure. `tool` is the id scope for non-operation fields.
  Status validate(const nlohmann::json& instance, std::string_view tool) const;

  struct Impl;  // opaque (valijson stays out of this header)

 private:
  explicit CompiledSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace omm::mcp

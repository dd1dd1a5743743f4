// fuzz_schema: tool arguments against every compiled-in tool validation schema (the root-level
// files of omm::embedded::schema_files(); common/ and output/ are not tools).
//
// The input is parsed as JSON (inputs that are not JSON are skipped) and validated with
// omm::mcp::CompiledSchema against each tool's schema. Checked: no crash, no exception, no
// sanitizer report; a refusal has a Status id starting with "invalid_argument." and a message.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/embedded.h"
#include "mcp/schema_validator.h"

namespace {

using nlohmann::json;

struct Tool {
  std::string name;
  std::shared_ptr<const omm::mcp::CompiledSchema> schema;
};

const std::vector<Tool>& tools() {
  static const std::vector<Tool> kTools = [] {
    static const omm::mcp::SchemaCatalog catalog(omm::embedded::schema_files());
    std::vector<Tool> out;
    for (const auto& file : omm::embedded::schema_files()) {
      std::string path(file.path);
      if (path.find('/') != std::string::npos || path.size() < 6 ||
          path.compare(path.size() - 5, 5, ".json") != 0) {
        continue;
      }
      auto compiled = omm::mcp::CompiledSchema::from_catalog(catalog, path);
      if (!compiled.ok()) {
        std::fprintf(stderr, "fuzz_schema: skipping %s: %s\n", path.c_str(),
                     compiled.status().message().c_str());
        continue;
      }
      out.push_back(Tool{path.substr(0, path.size() - 5), *compiled});
    }
    std::fprintf(stderr, "fuzz_schema: %zu tool schemas\n", out.size());
    return out;
  }();
  return kTools;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  if (tools().empty()) {
    std::fprintf(stderr, "fuzz_schema: no tool schema compiled\n");
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json args = json::parse(data, data + size, nullptr, false);
  if (args.is_discarded()) return 0;
  for (const Tool& tool : tools()) {
    omm::Status s = tool.schema->validate(args, tool.name);
    if (s.is_ok()) continue;
    if (s.id().rfind("invalid_argument.", 0) != 0 || s.message().empty()) {
      std::fprintf(stderr, "fuzz_schema: %s: bad refusal [%s] %s\n", tool.name.c_str(),
                   s.id().c_str(), s.message().c_str());
      std::abort();
    }
  }
  return 0;
}

// Fuzzes the operation model's two entry points (issue: the operation-string parser and the
// argument validation):
//  - input starting with '{': JSON tool arguments, planned for every tool of the catalog;
//  - otherwise: lines of the CLI string syntax — line 1 the output mode, line 2 the target key,
//    the rest operation strings ("resize:w=600", "video/concat:f=mp4/sur,o_YQ", ...).
//  - and always: the whole input as an OSS wire process string (core/wire_parser.h, what the
//    emulator parses from the network), planned as a GET or, with sys/saveas, as a save.
// A plan that is accepted must render (dry-run result) without failing; a refused one must carry
// a stable id. Nothing may crash, leak or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/dry_run.h"
#include "core/op_catalog.h"
#include "core/plan_from_cli.h"
#include "core/plan_from_tool.h"
#include "core/wire_parser.h"

namespace {

void check(const omm::Result<omm::core::Plan>& plan) {
  if (plan.ok()) {
    nlohmann::json r = omm::core::dry_run_result(*plan, "bkt");
    if (!r.is_object()) std::abort();
    return;
  }
  const std::string& id = plan.status().id();
  if (id.rfind("invalid_", 0) != 0 && id.rfind("unsupported", 0) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto wire = omm::core::parse_wire_process(text);
  if (wire.ok()) {
    std::optional<std::string> target;
    if (wire->saveas) target = "bkt/" + wire->saveas->key;
    check(omm::core::plan_from_wire(wire->ops, "bkt/in/a.jpg", target));
  } else if (wire.status().id().rfind("invalid_", 0) != 0) {
    std::abort();
  }
  if (!text.empty() && text[0] == '{') {
    nlohmann::json args = nlohmann::json::parse(text, nullptr, false);
    if (args.is_discarded()) return 0;
    for (const auto& tool : omm::core::all_tools())
      check(omm::core::plan_from_tool(tool.name, args));
    return 0;
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && lines.size() < 32) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  omm::core::CliRequest request;
  request.source = "in/a.jpg";
  if (!lines.empty() && !lines[0].empty()) request.output_mode = lines[0];
  if (lines.size() > 1 && !lines[1].empty()) request.target_key = lines[1];
  for (size_t i = 2; i < lines.size(); ++i) request.operations.push_back(lines[i]);
  check(omm::core::plan_from_cli(request));
  request.dry_run = true;
  request.bucket = "bkt";
  check(omm::core::plan_from_cli(request));
  return 0;
}

// batch_process arguments (DESIGN.md "Argument shapes", "Results"): one processing tool applied
// to every object under a prefix (with a suffix filter) or to a list of keys.
//
//   {"tool":"image_process","source":{"prefix":"photos/","suffixes":[".jpg",".png"]},
//    "arguments":{"operations":[{"op":"resize","w":600},{"op":"format","value":"webp"}]},
//    "output":{"mode":"save","target_prefix":"thumbs/"},"batch_id":"optional",
//    "max_items":1000,"wait_seconds":45,"dry_run":false}
//
// tool: image_process | image_inspect | image_detect | video_snapshot | media_info |
// video_transcode | audio_transcode. arguments: that tool's arguments without source and output
// (each item's plan is checked by the core exactly as the tool's own call). output: save under
// target_prefix (target key = target_prefix + the key with the source prefix removed, its
// extension changed when the arguments set a format), download into the directory `path`
// (likewise), or omitted for the read-only tools (results collected per item). A read-only
// tool takes no output; the others need one.
//
// Errors: invalid_argument.batch_process.<field>. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/status.h"

namespace omm::core {

inline constexpr std::int64_t kMaxBatchItems = 1000;     // per call, and keys per list
inline constexpr std::size_t kMaxBatchListing = 100000;  // keys listed under one prefix

struct BatchRequest {
  std::string tool;
  bool by_prefix = true;
  std::string prefix;                 // by_prefix
  std::vector<std::string> suffixes;  // lower-cased; empty: every key
  std::vector<std::string> keys;      // !by_prefix: in the given order, unique
  nlohmann::json arguments = nlohmann::json::object();
  enum class Output { kNone, kSave, kDownload } output = Output::kNone;
  std::string target_prefix;  // kSave
  std::string path;           // kDownload: a directory (relative to the output directory)
  std::string batch_id;       // empty: a new one is made
  std::int64_t max_items = kMaxBatchItems;
  std::optional<std::int64_t> wait_seconds;
  bool dry_run = false;
  std::optional<std::string> bucket;
  std::optional<std::string> region;
};

// Whether the tool writes nothing (its items answer data).
bool batch_tool_is_read_only(std::string_view tool);

Result<BatchRequest> parse_batch_request(const nlohmann::json& args,
                                         const PlanOptions& options = {});

// Whether `key` is an item of the batch (under the prefix and with one of the suffixes).
bool batch_selects(const BatchRequest& request, std::string_view key);

// Where the item's output goes: its target key (save) or its path relative to the output
// directory (download); "" for read-only tools.
std::string batch_item_output(const BatchRequest& request, const std::string& key);

// The item's plan: the tool's arguments with the key as source and the item's output.
Result<Plan> batch_item_plan(const BatchRequest& request, const std::string& key,
                             const PlanOptions& options = {});

// The definition of a batch as it is stored with its manifest: a later call with the same
// batch_id must ask for the same work (tool, source, arguments, output).
nlohmann::json batch_definition(const BatchRequest& request);

}  // namespace omm::core

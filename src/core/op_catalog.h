// The operation catalog: one machine-readable entry per operation the server can run, with its
// parameters as OSS names them, their types, ranges and enums, the order in which they render,
// its sync/async category and the DESIGN.md tool it belongs to. Everything else in src/core
// (parsers, validation, rendering) and the schema cross-check test reads this table; nothing
// is duplicated elsewhere.
//
// Sources for every range are recorded in `note` and in docs/operations.md: the OSS
// documentation where it was found, otherwise the skill's reference values (seed_ops.md §4).
// The tables are static, immutable and safe to read from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace omm::core {

struct Operation;

enum class ParamType {
  kInt,         // integer in [min, max]; when int_values is non-empty, only those values
  kDecimal,     // a number in [min, max] with at most 3 decimals (fps 29.97); held as its text
  kEnum,        // one of `values` (aliases accepted and normalised)
  kColor,       // RGB hex, exactly 6 hex digits
  kSize,        // "<W>x<H>", each side in [min, max], even when `even`
  kText,        // UTF-8 text of min..max bytes
  kKey,         // an object key (same rules as every key: see object_key.h)
  kToken,       // a short lower-case token ([a-z0-9_], 1..max characters), e.g. pixfmt
  kPreprocess,  // watermark image preprocessing: wire-form image actions joined by '/' or '+'
};

// How a value is written into the process string.
enum class WireEncoding { kPlain, kBase64 };

// Use as ParamSpec::max for "no upper bound" (messages then say ">= min").
inline constexpr std::int64_t kNoMax = std::numeric_limits<std::int64_t>::max();

// An accepted alternative spelling of a value (e.g. format "jpeg" -> "jpg", g "c" -> "center").
struct ValueAlias {
  std::string_view from;
  std::string_view to;
};

// A skill (CLI string syntax) parameter name that maps to an OSS name ("mode" -> "m").
struct KeyAlias {
  std::string_view from;
  std::string_view to;
};

struct ParamSpec {
  std::string_view name;  // OSS's name as on the wire; "value" for value-only operations
  ParamType type = ParamType::kInt;
  std::int64_t min = 0;  // kInt range, kSize per side, kText/kToken/kPreprocess length
  std::int64_t max = 0;
  std::span<const std::string_view> values = {};  // kEnum: canonical values, documented order
  std::span<const std::int64_t> int_values = {};  // kInt: the only allowed values, if non-empty
  std::span<const ValueAlias> aliases = {};       // kEnum: accepted spellings
  WireEncoding encoding = WireEncoding::kPlain;
  bool required = false;
  bool even = false;           // kSize: both sides must be even
  bool chars = false;          // kText: min/max count UTF-8 characters instead of bytes
  std::string_view note = {};  // meaning and source of the range
};

// The family an operation belongs to; drives the chaining rules.
enum class OpKind {
  kBasic,     // chain freely inside image_process
  kEmbed,     // blindwatermark: image_process, last
  kInspect,   // info, average-hue: alone
  kDetect,    // faces ... score: alone, one per call
  kExtract,   // blindwatermark-extract: alone
  kMedia,     // video/*, audio/*, hls/m3u8: alone
  kTransfer,  // upload, download: alone
};

enum class Category { kSync, kAsync };

class ErrorScope;
// Cross-parameter rules of one operation; may normalise the operation (e.g. fold watermark
// preprocessing into the image key). Runs after every parameter passed its own check.
using OpCheck = Status (*)(Operation& op, const ErrorScope& scope);

struct OpSpec {
  std::string_view name;        // canonical name (docs/contracts.md), e.g. "video_convert"
  std::string_view skill_name;  // name in the CLI string syntax, e.g. "video/convert"
  std::string_view prefix;      // process-string prefix: "image", "video", "audio", "hls", ""
  std::string_view action;      // wire action after the prefix, e.g. "convert", "m3u8"
  std::string_view tool;        // DESIGN.md tool, e.g. "video_transcode"
  OpKind kind = OpKind::kBasic;
  Category category = Category::kSync;
  bool value_only = false;    // renders "<action>,<value>"; the parameter is named "value"
  bool takes_inputs = false;  // concat: has pre/sur inputs
  std::span<const ParamSpec> params = {};      // render order = documented table order
  std::span<const KeyAlias> cli_aliases = {};  // skill names accepted by the string syntax
  OpCheck check = nullptr;
  std::string_view rules = {};  // cross-parameter rules in words (for schemas and docs)
};

// How a tool delivers its result; decides which `output` modes are legal.
enum class OutputRule {
  kNone,      // JSON result, no `output` argument
  kSync,      // url | download | save (default url)
  kAsync,     // save (default), `path` = also download when done
  kUrlOnly,   // url only
  kTransfer,  // object_upload / object_download: own argument names
};

struct ToolSpec {
  std::string_view name;
  OutputRule output = OutputRule::kNone;
  std::span<const std::string_view> args = {};  // accepted arguments besides operation params
  bool read_only = false;
};

// Parameters of concat inputs (media_concat "inputs" items).
std::span<const ParamSpec> concat_input_params();
inline constexpr std::size_t kMaxConcatInputs = 10;

// --- queries ---------------------------------------------------------------------------------
std::span<const OpSpec> all_ops();
// By canonical name ("resize", "video_convert", "blindwatermark-extract").
const OpSpec* find_op(std::string_view name);
// By the CLI string-syntax name ("video/convert", "blindwatermark-embed"); canonical names
// are accepted as well.
const OpSpec* find_op_by_skill_name(std::string_view name);
// The parameter list of an operation by canonical name; empty for unknown names.
std::span<const ParamSpec> op_params(std::string_view op);
const ParamSpec* find_param(const OpSpec& op, std::string_view name);
// Operations a tool runs (image_process: the basic ops and blindwatermark).
std::vector<const OpSpec*> ops_for_tool(std::string_view tool);
std::span<const ToolSpec> all_tools();
const ToolSpec* find_tool(std::string_view name);
// Every CLI operation name, sorted (for "unknown operation" messages).
std::vector<std::string_view> skill_op_names();

std::string_view to_string(ParamType t);
std::string_view to_string(OpKind k);
std::string_view to_string(Category c);
std::string_view to_string(OutputRule r);

// The whole catalog as JSON ({"operations":[...],"tools":[...]}), for schema cross-checks.
nlohmann::json catalog_to_json();

// Per-family tables (ops_image.cpp with ops_watermark.cpp and ops_image_ai.cpp, ops_video.cpp,
// ops_audio.cpp; transfer ops in op_catalog.cpp).
std::span<const OpSpec> image_ops();
std::span<const OpSpec> video_ops();
std::span<const OpSpec> audio_ops();
std::span<const OpSpec> transfer_ops();

}  // namespace omm::core

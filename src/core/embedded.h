// Files compiled into the binary (schemas/, prompts/, SKILL.md), generated at build time by
// tools/embed.py and tools/gen_schemas.py. Immutable; safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace omm::embedded {

struct File {
  std::string_view path;     // relative to its root, '/'-separated, e.g. "common/output.json"
  std::string_view content;  // UTF-8 text
};

// Validation schemas: every file under schemas/ (draft 7, may $ref into common/).
std::span<const File> schema_files();
// Published input schemas derived at build time: path = "<tool>.json". Self-contained; the root
// "description" is the tool description (with the cross-field rules in words). The tool's title and
// annotations are the "x-title" and "x-annotations" keys of its validation schema.
std::span<const File> published_schemas();
// Each tool's tools/list entry, serialized: path = "<tool>.json", compact JSON with sorted keys —
// name, title, description, inputSchema (published, without its description), outputSchema,
// annotations (with the title), derived from the tables around it (tests/tools checks).
std::span<const File> tool_listing();
// Output schemas (tools/list outputSchema), self-contained: path = "<tool>.json".
std::span<const File> output_schemas();
// Prompt templates under prompts/.
std::span<const File> prompt_files();
// Documents served as resources (SKILL.md).
std::span<const File> doc_files();

// Looks a file up by path in one of the tables above.
std::optional<std::string_view> find(std::span<const File> files, std::string_view path);

}  // namespace omm::embedded

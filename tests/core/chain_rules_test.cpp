// Chaining rules (DESIGN.md "Rules the core enforces"), on catalog entries directly and
// through image_process calls that name operations of other tools.
#include "core/chain_rules.h"

#include <doctest/doctest.h>

#include "core_test_util.h"

using omm::core::check_chain;
using omm::core::find_op_by_skill_name;
using omm::core::OpSpec;

namespace {

struct Case {
  const char* tool;  // "" = derived from the operations (CLI)
  std::vector<const char*> ops;
  const char* expect;  // "ok" or the error id
};

std::string verdict(const Case& c) {
  std::vector<const OpSpec*> specs;
  for (const char* name : c.ops) {
    const OpSpec* spec = find_op_by_skill_name(name);
    REQUIRE(spec != nullptr);
    specs.push_back(spec);
  }
  omm::Status s = check_chain(c.tool, specs);
  return s ? "ok" : s.id();
}

}  // namespace

TEST_CASE("chain rules: which operations share a request") {
  const Case cases[] = {
      {"", {"resize", "crop", "watermark", "watermark", "format"}, "ok"},
      {"", {"watermark", "watermark", "watermark"}, "ok"},
      {"",
       {"watermark", "resize", "watermark", "watermark", "watermark"},
       "invalid_chain.watermarks"},
      {"", {"resize", "blindwatermark-embed"}, "ok"},
      {"", {"blindwatermark-embed", "blindwatermark-embed"}, "invalid_chain.blindwatermark_last"},
      {"", {"blindwatermark-embed", "resize"}, "invalid_chain.blindwatermark_last"},
      {"", {"info"}, "ok"},
      {"", {"info", "average-hue"}, "invalid_chain.info_alone"},
      {"", {"resize", "average-hue"}, "invalid_chain.info_alone"},
      {"", {"faces", "labels"}, "invalid_chain.detect_alone"},
      {"", {"faces", "info"}, "invalid_chain.detect_alone"},
      {"", {"blindwatermark-embed", "score"}, "invalid_chain.detect_alone"},
      {"", {"blindwatermark-extract", "resize"}, "invalid_chain.extract_alone"},
      {"", {"blindwatermark-extract", "faces"}, "invalid_chain.extract_alone"},
      {"", {"video/convert", "audio/convert"}, "invalid_chain.media_alone"},
      {"", {"resize", "hls/m3u8"}, "invalid_chain.media_alone"},
      {"", {"video/snapshot", "faces"}, "invalid_chain.media_alone"},
      {"", {"upload", "resize"}, "invalid_chain.transfer_alone"},
      {"", {"download", "video/info"}, "invalid_chain.transfer_alone"},
      {"image_process", {"resize", "rotate"}, "ok"},
      {"image_process", {"info"}, "invalid_chain.info_alone"},
      {"image_process", {"codes"}, "invalid_chain.detect_alone"},
      {"image_process", {"blindwatermark-extract"}, "invalid_chain.extract_alone"},
      {"image_process", {"video/snapshot"}, "invalid_chain.media_alone"},
      {"image_process", {"download"}, "invalid_chain.transfer_alone"},
      {"image_inspect", {"resize"}, "invalid_argument.image_inspect.operations"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.tool);
    CAPTURE(c.ops.front());
    CHECK(verdict(c) == c.expect);
  }
}

TEST_CASE("chain rules: image_process refuses operations of other tools by id") {
  auto plan = omm::core::test::tool_call(
      "image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"faces"}]})");
  CHECK(plan.status().id() == "invalid_chain.detect_alone");
  auto media = omm::core::test::tool_call(
      "image_process",
      R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5},{"op":"video/info"}]})");
  CHECK(media.status().id() == "invalid_chain.media_alone");
  CHECK(omm::core::tool_for_chain(std::vector<const OpSpec*>{
            find_op_by_skill_name("video/snapshots")}) == "video_frames");
}

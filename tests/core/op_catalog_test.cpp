// The catalog is consistent with itself and with docs/contracts.md; it is what the schema
// cross-check and both syntaxes rely on.
#include "core/op_catalog.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

using namespace omm::core;

TEST_CASE("catalog: canonical operation names are exactly those of docs/contracts.md") {
  const std::set<std::string_view> contract = {"resize",
                                               "crop",
                                               "indexcrop",
                                               "rotate",
                                               "flip",
                                               "quality",
                                               "format",
                                               "interlace",
                                               "watermark",
                                               "blur",
                                               "sharpen",
                                               "bright",
                                               "contrast",
                                               "auto-orient",
                                               "circle",
                                               "rounded-corners",
                                               "blindwatermark",
                                               "info",
                                               "average-hue",
                                               "faces",
                                               "bodies",
                                               "cars",
                                               "codes",
                                               "labels",
                                               "score",
                                               "blindwatermark-extract",
                                               "video_convert",
                                               "video_snapshot",
                                               "video_info",
                                               "video_animation",
                                               "video_snapshots",
                                               "video_sprite",
                                               "video_concat",
                                               "audio_convert",
                                               "audio_concat",
                                               "audio_info",
                                               "hls_m3u8",
                                               "upload",
                                               "download"};
  std::set<std::string_view> names;
  for (const OpSpec& op : all_ops()) names.insert(op.name);
  CHECK(names == contract);
  CHECK(all_ops().size() == contract.size());
}

TEST_CASE("catalog: every entry is well formed") {
  std::set<std::string_view> skill_names;
  for (const OpSpec& op : all_ops()) {
    CAPTURE(op.name);
    CHECK(skill_names.insert(op.skill_name).second);
    CHECK(find_tool(op.tool) != nullptr);
    CHECK(find_op(op.name) == &op);
    CHECK(find_op_by_skill_name(op.skill_name) == &op);
    if (op.value_only) {
      REQUIRE(op.params.size() == 1);
      CHECK(op.params[0].name == "value");
    }
    CHECK(op.takes_inputs == (op.name == "video_concat" || op.name == "audio_concat"));
    std::set<std::string_view> params;
    for (const ParamSpec& p : op.params) {
      CAPTURE(p.name);
      CHECK(params.insert(p.name).second);
      CHECK_FALSE(p.note.empty());
      if (p.type == ParamType::kEnum) CHECK_FALSE(p.values.empty());
      if (p.type == ParamType::kInt && p.int_values.empty()) CHECK(p.min <= p.max);
      for (const ValueAlias& a : p.aliases) {
        CHECK(std::find(p.values.begin(), p.values.end(), a.to) != p.values.end());
        CHECK(std::find(p.values.begin(), p.values.end(), a.from) == p.values.end());
      }
    }
    for (const KeyAlias& a : op.cli_aliases) {
      CHECK(find_param(op, a.to) != nullptr);
      CHECK(find_param(op, a.from) == nullptr);
    }
  }
  for (const ToolSpec& tool : all_tools()) {
    CAPTURE(tool.name);
    CHECK_FALSE(ops_for_tool(tool.name).empty());
    CHECK(std::find(tool.args.begin(), tool.args.end(), "bucket") != tool.args.end());
    bool transfer = tool.output == OutputRule::kTransfer;  // not processing: no dry_run
    CHECK((std::find(tool.args.begin(), tool.args.end(), "dry_run") != tool.args.end()) ==
          !transfer);
  }
}

TEST_CASE("catalog: categories, tools and documented order") {
  const struct {
    const char* op;
    const char* tool;
    Category category;
    const char* first_params;  // names of the first parameters, in render order
  } cases[] = {
      {"resize", "image_process", Category::kSync, "w h l s p m limit color"},
      {"watermark", "image_process", Category::kSync, "t g x y voffset fill padx pady image"},
      {"blindwatermark", "image_process", Category::kSync, "content s"},
      {"blindwatermark-extract", "image_watermark_extract", Category::kAsync, "s"},
      {"video_convert", "video_transcode", Category::kAsync, "f vcodec acodec s fps vb ab"},
      {"video_snapshot", "video_snapshot", Category::kSync, "t w h m f ar"},
      {"video_snapshots", "video_frames", Category::kAsync, "ss f m num inter"},
      {"video_sprite", "video_sprite", Category::kAsync, "ss f m thr num inter sw sh"},
      {"video_concat", "media_concat", Category::kAsync,
       "f vcodec acodec fps vb ab ar ac s align ss"},
      {"audio_concat", "media_concat", Category::kAsync, "f ar ac aq ab abopt align adepth"},
      {"audio_info", "media_info", Category::kSync, ""},
      {"hls_m3u8", "hls_playlist", Category::kSync, "ss t ta st initd vcodec"},
      {"faces", "image_detect", Category::kSync, ""},
      {"upload", "object_upload", Category::kSync, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.op);
    const OpSpec* op = find_op(c.op);
    REQUIRE(op != nullptr);
    CHECK(op->tool == c.tool);
    CHECK(op->category == c.category);
    std::string names;
    for (const ParamSpec& p : op->params) {
      if (!names.empty()) names += ' ';
      names += p.name;
      if (names.size() >= std::string_view(c.first_params).size()) break;
    }
    CHECK(names == c.first_params);
  }
  CHECK(op_params("resize").size() == 8);
  CHECK(op_params("no-such-op").empty());
}

TEST_CASE("catalog: JSON form for schema cross-checks") {
  nlohmann::json j = catalog_to_json();
  REQUIRE(j["operations"].size() == all_ops().size());
  const nlohmann::json* resize = nullptr;
  const nlohmann::json* format = nullptr;
  for (const nlohmann::json& op : j["operations"]) {
    if (op["name"] == "resize") resize = &op;
    if (op["name"] == "format") format = &op;
  }
  REQUIRE(resize != nullptr);
  CHECK((*resize)["tool"] == "image_process");
  CHECK((*resize)["params"][0] == nlohmann::json{{"name", "w"},
                                                 {"type", "integer"},
                                                 {"required", false},
                                                 {"minimum", 1},
                                                 {"maximum", 16384},
                                                 {"wire", "plain"},
                                                 {"note", "target width, px [D]"}});
  CHECK((*resize)["params"][5]["enum"] ==
        nlohmann::json::array({"lfit", "mfit", "fill", "pad", "fixed"}));
  CHECK((*resize)["cli_aliases"]["mode"] == "m");
  REQUIRE(format != nullptr);
  CHECK((*format)["params"][0]["value_aliases"]["jpeg"] == "jpg");
  CHECK(j["concat_inputs"][0]["name"] == "key");
  CHECK(j["max_concat_inputs"] == 10);
  CHECK(j["tools"].size() == all_tools().size());
}

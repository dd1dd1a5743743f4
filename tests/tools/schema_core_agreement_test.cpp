// The tool path validates arguments twice: the compiled-in schema first (what hosts see and
// tools/call runs), then the core (what the CLI runs alone). This pins how the two agree:
//  - on the shared corpus, every call the schema refuses is refused by the core as well (the
//    core has no gaps), and every valid call is planned by the core;
//  - on calls with exactly one mistake, both name it with the same error id;
//  - through the registry, a refused call reports the core's id (so a tool call and the same
//    request through the CLI fail alike even when several rules are broken at once).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "../schemas/argument_cases.h"
#include "core/embedded.h"
#include "core/plan_from_tool.h"
#include "mcp/memory_outbox.h"
#include "mcp/schema_validator.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "tools/product_tools.h"

namespace {

using nlohmann::json;

const std::set<std::string> kNoPlan = {"object_list", "object_head", "job_status", "imm_setup",
                                       "doctor"};

omm::Status schema_status(const omm::mcp::SchemaCatalog& catalog, const std::string& tool,
                          const json& args) {
  auto compiled = omm::mcp::CompiledSchema::from_catalog(catalog, tool + ".json");
  REQUIRE(compiled.ok());
  return (*compiled)->validate(args, tool);
}

struct OneMistake {
  const char* tool;
  const char* args;
  const char* id;
};

// clang-format off
const OneMistake kOneMistake[] = {
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":0}]})", "invalid_argument.resize.w"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":16385}]})", "invalid_argument.resize.w"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","m":"abc","w":5}]})", "invalid_argument.resize.m"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","p":1001}]})", "invalid_argument.resize.p"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"crop","w":10,"h":10,"g":"xx"}]})", "invalid_argument.crop.g"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"rotate","value":361}]})", "invalid_argument.rotate.value"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"flip","value":3}]})", "invalid_argument.flip.value"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"quality","q":0}]})", "invalid_argument.quality.q"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"format","value":"xcf"}]})", "invalid_argument.format.value"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"sharpen","value":49}]})", "invalid_argument.sharpen.value"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"bright","value":101}]})", "invalid_argument.bright.value"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"x","t":101}]})", "invalid_argument.watermark.t"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"x","rw":5}]})", "invalid_argument.watermark.rw"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"x","shadow":101}]})", "invalid_argument.watermark.shadow"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"blur","r":51,"s":5}]})", "invalid_argument.blur.r"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"blindwatermark","content":"x","s":"ultra"}],"output":{"mode":"save","target_key":"o.jpg"}})", "invalid_argument.blindwatermark.s"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"download"}})", "invalid_argument.image_process.output.path"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"save"}})", "invalid_argument.image_process.output.target_key"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"zip"}})", "invalid_argument.image_process.output.mode"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"url","expires":0}})", "invalid_argument.image_process.output.expires"},
  {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"bogus"}]})", "invalid_argument.operations"},
  {"image_inspect", R"({"source":{"key":"a.jpg"},"what":"exif"})", "invalid_argument.image_inspect.what"},
  {"image_detect", R"({"source":{"key":"a.jpg"},"detect":"dogs"})", "invalid_argument.image_detect.detect"},
  {"image_watermark_extract", R"({"source":{"key":"a.jpg"},"s":"ultra"})", "invalid_argument.image_watermark_extract.s"},
  {"video_transcode", R"({"source":{"key":"v.mp4"},"f":"mp4","vcodec":"h264","vb":5,"output":{"mode":"save","target_key":"o.mp4"}})", "invalid_argument.video_transcode.vb"},
  {"video_transcode", R"({"source":{"key":"v.mp4"},"f":"mp4","vcodec":"h263","output":{"mode":"save","target_key":"o.mp4"}})", "invalid_argument.video_transcode.vcodec"},
  {"video_transcode", R"({"source":{"key":"v.mp4"},"f":"mp4","vb":50000,"output":{"mode":"save","target_key":"o.mp4"}})", "invalid_argument.video_transcode.vb"},
  {"video_snapshot", R"({"source":{"key":"v.mp4"},"t":-1,"f":"jpg","output":{"mode":"url"}})", "invalid_argument.video_snapshot.t"},
  {"video_snapshot", R"({"source":{"key":"v.mp4"},"t":10,"f":"gif","output":{"mode":"url"}})", "invalid_argument.video_snapshot.f"},
  {"video_frames", R"({"source":{"key":"v.mp4"},"f":"jpg","num":10,"output":{"mode":"save","target_key":"v/f.jpg"}})", "invalid_argument.video_frames.output.target_key"},
  {"video_sprite", R"({"source":{"key":"v.mp4"},"f":"jpg","num":10,"tw":101,"output":{"mode":"save","target_key":"s.jpg"}})", "invalid_argument.video_sprite.tw"},
  {"video_animation", R"({"source":{"key":"v.mp4"},"f":"png","output":{"mode":"save","target_key":"a.png"}})", "invalid_argument.video_animation.f"},
  {"media_concat", R"({"kind":"video","source":{"key":"a.mp4"},"inputs":[{"key":"b.mp4","position":"mid"}],"f":"mp4","vcodec":"h264","acodec":"aac","output":{"mode":"save","target_key":"o.mp4"}})", "invalid_argument.media_concat.inputs.position"},
  {"media_info", R"({"source":{"key":"v.mp4"},"kind":"image"})", "invalid_argument.media_info.kind"},
  {"audio_transcode", R"({"source":{"key":"a.wav"},"f":"wav","output":{"mode":"save","target_key":"o.wav"}})", "invalid_argument.audio_transcode.f"},
  {"audio_transcode", R"({"source":{"key":"a.wav"},"f":"mp3","ac":9,"output":{"mode":"save","target_key":"o.mp3"}})", "invalid_argument.audio_transcode.ac"},
  {"hls_playlist", R"({"source":{"key":"v.mp4"},"s":"1280*720","output":{"mode":"url"}})", "invalid_argument.hls_playlist.s"},
  {"hls_playlist", R"({"source":{"key":"v.mp4"},"vcodec":"vp9","output":{"mode":"url"}})", "invalid_argument.hls_playlist.vcodec"},
};
// clang-format on

}  // namespace

TEST_CASE("schema and core: no call the schema refuses gets past the core") {
  omm::mcp::SchemaCatalog catalog(omm::embedded::schema_files());
  size_t refused = 0;
  for (const auto& c : omm::testing::kCases) {
    const std::string tool = c.tool;
    const std::string text = c.args;
    if (kNoPlan.count(tool)) continue;
    CAPTURE(tool);
    CAPTURE(text);
    json args = json::parse(c.args);
    omm::Status schema = schema_status(catalog, tool, args);
    auto plan = omm::core::plan_from_tool(tool, args);
    if (!schema.is_ok()) {
      ++refused;
      CHECK_MESSAGE(!plan.ok(),
                    "the core accepts a call the schema refuses: " << schema.to_string());
    } else if (c.valid) {
      CHECK_MESSAGE(plan.ok(), "the core refuses a valid call: " << plan.status().to_string());
    }
  }
  CHECK(refused >= 50);
}

TEST_CASE("schema and core name a single mistake with the same id") {
  omm::mcp::SchemaCatalog catalog(omm::embedded::schema_files());
  for (const auto& c : kOneMistake) {
    const std::string tool = c.tool;
    const std::string text = c.args;
    CAPTURE(tool);
    CAPTURE(text);
    json args = json::parse(c.args);
    omm::Status schema = schema_status(catalog, tool, args);
    auto plan = omm::core::plan_from_tool(tool, args);
    CHECK(schema.id() == c.id);
    REQUIRE_FALSE(plan.ok());
    CHECK(plan.status().id() == c.id);
  }
}

TEST_CASE("a refused tool call reports the core's id") {
  omm::mcp::Server server(omm::mcp::ServerInfo{}, omm::mcp::ServerOptions{});
  omm::tools::register_product_tools(server, omm::tools::ProductToolOptions{});
  // Two mistakes: the schema reports the missing acodec first, the core the missing vcodec.
  json args = json::parse(R"({"kind":"video","source":{"key":"a.mp4"},"inputs":[{"key":"b.mp4"}],
                              "f":"mp4","output":{"mode":"save","target_key":"o.mp4"}})");
  const omm::mcp::ToolSpec* tool = server.tools().find("media_concat");
  REQUIRE(tool != nullptr);
  omm::Status schema = server.tools().validate(*tool, args);
  REQUIRE_FALSE(schema.is_ok());
  auto plan = omm::core::plan_from_tool("media_concat", args);
  REQUIRE_FALSE(plan.ok());
  auto outbox = std::make_shared<omm::mcp::MemoryOutbox>();
  auto session = server.open_session(outbox, "t");
  session->receive(
      json{{"jsonrpc", "2.0"},
           {"id", 0},
           {"method", "initialize"},
           {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()}}}});
  session->receive(json{{"jsonrpc", "2.0"},
                        {"id", 1},
                        {"method", "tools/call"},
                        {"params", {{"name", "media_concat"}, {"arguments", args}}}});
  REQUIRE(outbox->wait_for(2));
  json result = outbox->sent()[1].message["result"];
  CHECK(result["isError"] == true);
  CHECK(result["content"][0]["text"].get<std::string>().rfind("[" + plan.status().id() + "]", 0) ==
        0);
}

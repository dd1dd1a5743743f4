// Rendering beyond the operations: the saveas suffix, the full process string and the
// dry-run result.
#include "core/render.h"

#include <doctest/doctest.h>

#include "core/dry_run.h"
#include "core_test_util.h"

using namespace omm::core;
using omm::core::test::tool_call;

TEST_CASE("render: saveas suffix and process strings") {
  CHECK(render_saveas("output/frames/frame", "bkt") ==
        "|sys/saveas,o_b3V0cHV0L2ZyYW1lcy9mcmFtZQ,b_Ymt0");
  CHECK(render_saveas("out/m.jpg", "") == "|sys/saveas,o_b3V0L20uanBn");

  const struct {
    const char* tool;
    const char* args;
    const char* bucket;
    const char* process;  // "" = none
  } cases[] = {
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"save","target_key":"out/m.jpg"}})",
       "bkt", "image/resize,w_5|sys/saveas,o_b3V0L20uanBn,b_Ymt0"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"download","path":"m.jpg"}})",
       "bkt", "image/resize,w_5"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}]})", "bkt",
       "image/resize,w_5"},
      {"video_frames",
       R"({"source":{"key":"v.mp4"},"f":"jpg","inter":1000,"output":{"target_key":"output/frames/frame"}})",
       "bkt", "video/snapshots,f_jpg,inter_1000|sys/saveas,o_b3V0cHV0L2ZyYW1lcy9mcmFtZQ,b_Ymt0"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","output":{"target_key":"out/m.jpg"},"bucket":"my-bucket"})",
       "ignored", "video/convert,f_mp4|sys/saveas,o_b3V0L20uanBn,b_bXktYnVja2V0"},
      {"hls_playlist", R"({"source":{"key":"v.mp4"},"ss":0})", "bkt", "hls/m3u8,ss_0"},
      {"image_watermark_extract", R"({"source":{"key":"m.jpg"}})", "bkt", ""},
      {"object_download", R"({"key":"d/r.pdf","path":"r.pdf"})", "bkt", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    auto plan = tool_call(c.tool, c.args);
    REQUIRE(plan.ok());
    std::string_view bucket = plan->bucket ? std::string_view(*plan->bucket) : c.bucket;
    auto process = render_process_string(*plan, bucket);
    CHECK(process.value_or("") == c.process);
  }
}

TEST_CASE("render: dry-run results") {
  auto plan = tool_call("image_process",
                        R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":600},
                            {"op":"format","value":"webp"}],"dry_run":true,
                            "output":{"mode":"save","target_key":"out/m.jpg"}})");
  REQUIRE(plan.ok());
  CHECK(plan->dry_run);
  nlohmann::json expected = {
      {"success", true},
      {"dry_run", true},
      {"tool", "image_process"},
      {"category", "sync"},
      {"operations", "image/resize,w_600/format,webp"},
      {"process_string", "image/resize,w_600/format,webp|sys/saveas,o_b3V0L20uanBn,b_Ymt0"},
      {"saveas", "|sys/saveas,o_b3V0L20uanBn,b_Ymt0"},
      {"api", "x-oss-process"},
      {"source", {{"key", "in/a.jpg"}}},
      {"mode", "save"},
      {"target_key", "out/m.jpg"},
      {"bucket", "bkt"},
  };
  CHECK(dry_run_result(*plan, "bkt") == expected);

  auto extract = tool_call("image_watermark_extract", R"({"source":{"uri":"/m.jpg"},"s":"high"})");
  REQUIRE(extract.ok());
  nlohmann::json dry = dry_run_result(*extract, "");
  CHECK(dry["category"] == "async");
  CHECK(dry["operations"] == "blindwatermark-extract,s_high");
  CHECK(dry["process_string"].is_null());
  CHECK(dry["saveas"].is_null());
  CHECK(dry["api"] == "imm:CreateDecodeBlindWatermarkTask");
  CHECK_FALSE(dry.contains("mode"));

  auto concat = tool_call("media_concat",
                          R"({"kind":"video","source":{"key":"v/a.mp4"},"f":"mp4","vcodec":"h264",
                              "acodec":"aac","inputs":[{"key":"v/b.mp4"}],
                              "output":{"target_key":"v/ab.mp4","path":"ab.mp4"},"wait_seconds":10})");
  REQUIRE(concat.ok());
  nlohmann::json c = dry_run_result(*concat, "bkt");
  CHECK(c["api"] == "x-oss-async-process");
  CHECK(
      c["process_string"] ==
      "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_di9iLm1wNA|sys/saveas,o_di9hYi5tcDQ,b_Ymt0");
  CHECK(c["path"] == "ab.mp4");
  CHECK(c["wait_seconds"] == 10);
}

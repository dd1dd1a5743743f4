// Source, output-mode and common-argument rules (DESIGN.md "Argument shapes", "Output
// delivery"), through tool JSON; the parity test runs many of them through the CLI too.
#include "core/request_rules.h"

#include <doctest/doctest.h>

#include "core_test_util.h"

using omm::core::test::tool_call;

namespace {

struct Case {
  const char* tool;
  const char* args;
  const char* expect;  // "ok" or the error id
};

std::string verdict(const omm::Result<omm::core::Plan>& plan) {
  return plan.ok() ? "ok" : plan.status().id();
}

}  // namespace

TEST_CASE("request rules: output modes per tool family") {
  const Case cases[] = {
      // image_process: url by default, download needs path, save needs target_key
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}]})", "ok"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"download"}})",
       "invalid_argument.image_process.output.path"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"save"}})",
       "invalid_argument.image_process.output.target_key"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"mode":"email"}})",
       "invalid_argument.image_process.output.mode"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"url","path":"a.jpg"}})",
       "invalid_argument.image_process.output.path"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"save","target_key":"o.jpg","path":"a.jpg"}})",
       "invalid_argument.image_process.output.path"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"download","path":"a.jpg","target_key":"o.jpg"}})",
       "invalid_argument.image_process.output.target_key"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"download","path":"a.jpg","expires":60}})",
       "invalid_argument.image_process.output.expires"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"expires":0}})",
       "invalid_argument.image_process.output.expires"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"expires":604801}})",
       "invalid_argument.image_process.output.expires"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"expires":604800}})",
       "ok"},
      // url refused for uri sources and for chains with blindwatermark
      {"image_process", R"({"source":{"uri":"/tmp/a.jpg"},"operations":[{"op":"resize","w":5}]})",
       "invalid_argument.image_process.output.mode"},
      {"image_process",
       R"({"source":{"uri":"/tmp/a.jpg"},"operations":[{"op":"resize","w":5}],
           "output":{"mode":"download","path":"b.jpg"}})",
       "ok"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"blindwatermark","content":"x"}]})",
       "invalid_argument.image_process.output.mode"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"blindwatermark","content":"x"}],
           "output":{"mode":"download","path":"m.jpg"}})",
       "ok"},
      // no_download forbids download and path
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"no_download":true,
           "output":{"mode":"download","path":"a.jpg"}})",
       "invalid_argument.image_process.output.mode"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","no_download":true,
           "output":{"target_key":"o.mp4","path":"o.mp4"}})",
       "invalid_argument.video_transcode.output.path"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","no_download":true,"output":{"target_key":"o.mp4"}})",
       "ok"},
      // async tools: save only, target_key required, path = also download
      {"video_transcode", R"({"source":{"key":"v.mov"},"f":"mp4"})",
       "invalid_argument.video_transcode.output.target_key"},
      {"video_transcode", R"({"source":{"key":"v.mov"},"f":"mp4","output":{"mode":"url"}})",
       "invalid_argument.video_transcode.output.mode"},
      {"audio_transcode",
       R"({"source":{"key":"a.wav"},"f":"mp3","output":{"mode":"download","path":"a.mp3"}})",
       "invalid_argument.audio_transcode.output.mode"},
      {"video_animation",
       R"({"source":{"key":"v.mp4"},"f":"gif","output":{"target_key":"a.gif","path":"a.gif"}})",
       "ok"},
      {"video_frames",
       R"({"source":{"key":"v.mp4"},"f":"jpg","output":{"target_key":"v/f/frame.jpg"}})",
       "invalid_argument.video_frames.output.target_key"},
      {"video_frames",
       R"({"source":{"key":"v.mp4"},"f":"jpg","output":{"target_key":"v/f.d/frame","path":"frames/"}})",
       "ok"},
      {"video_sprite",
       R"({"source":{"key":"v.mp4"},"f":"jpg","num":4,"output":{"target_key":"s.jpg","expires":60}})",
       "invalid_argument.video_sprite.output.expires"},
      // hls: url only
      {"hls_playlist", R"({"source":{"key":"v.mp4"}})", "ok"},
      {"hls_playlist",
       R"({"source":{"key":"v.mp4"},"output":{"mode":"save","target_key":"p.m3u8"}})",
       "invalid_argument.hls_playlist.output.mode"},
      {"hls_playlist", R"({"source":{"uri":"/v.mp4"}})",
       "invalid_argument.hls_playlist.output.mode"},
      // snapshot: like image_process
      {"video_snapshot",
       R"({"source":{"key":"v.mp4"},"t":0,"f":"jpg","output":{"mode":"save","target_key":"s.jpg"}})",
       "ok"},
      // JSON tools have no output
      {"image_inspect", R"({"source":{"key":"a.jpg"},"what":"info","output":{"mode":"url"}})",
       "invalid_argument.image_inspect.output"},
      {"media_info", R"({"source":{"key":"a.mp4"},"kind":"video","output":{}})",
       "invalid_argument.media_info.output"},
      // verify: not with url
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"verify":true})",
       "invalid_argument.image_process.verify"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"verify":true,
           "output":{"mode":"save","target_key":"o.jpg"}})",
       "ok"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.tool);
    CAPTURE(c.args);
    CHECK(verdict(tool_call(c.tool, c.args)) == c.expect);
  }
}

TEST_CASE("request rules: sources, keys and common arguments") {
  const Case cases[] = {
      {"image_inspect", R"({"what":"info"})", "invalid_argument.image_inspect.source"},
      {"image_inspect", R"({"what":"info","source":{}})", "invalid_argument.image_inspect.source"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg","uri":"/a.jpg"}})",
       "invalid_argument.image_inspect.source"},
      {"image_inspect", R"({"what":"info","source":{"key":""}})",
       "invalid_argument.image_inspect.source.key"},
      {"image_inspect", R"({"what":"info","source":{"key":"/a.jpg"}})",
       "invalid_argument.image_inspect.source.key"},
      {"image_inspect", R"({"what":"info","source":{"key":"a/../../b.jpg"}})",
       "invalid_argument.image_inspect.source.key"},
      {"image_inspect", R"({"what":"info","source":{"key":"a/..b/c..d.jpg"}})", "ok"},
      {"image_inspect", R"({"what":"info","source":{"key":"a\nb.jpg"}})",
       "invalid_argument.image_inspect.source.key"},
      {"image_inspect", R"({"what":"info","source":{"uri":"relative/a.jpg"}})",
       "invalid_argument.image_inspect.source.uri"},
      {"image_inspect", R"({"what":"info","source":{"uri":"ftp://h/a.jpg"}})",
       "invalid_argument.image_inspect.source.uri"},
      {"image_inspect", R"({"what":"info","source":{"uri":"HTTPS://example.com/a.jpg"}})", "ok"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg"},"bucket":"Bad_Bucket"})",
       "invalid_argument.image_inspect.bucket"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg"},"bucket":"-ab"})",
       "invalid_argument.image_inspect.bucket"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg"},"bucket":"my-bucket-1"})", "ok"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg"},"region":"cn hangzhou"})",
       "invalid_argument.image_inspect.region"},
      {"image_inspect", R"({"what":"info","source":{"key":"a.jpg"},"wait_seconds":1})",
       "invalid_argument.image_inspect.wait_seconds"},
      {"image_watermark_extract", R"({"source":{"key":"a.jpg"},"wait_seconds":601})",
       "invalid_argument.image_watermark_extract.wait_seconds"},
      {"image_watermark_extract", R"({"source":{"key":"a.jpg"},"wait_seconds":0})", "ok"},
      {"image_watermark_extract", R"({"source":{"key":"a.jpg"},"wait_seconds":"45"})",
       "invalid_argument.image_watermark_extract.wait_seconds"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","output":{"target_key":"o.mp4","path":"a\u0001b"}})",
       "invalid_argument.video_transcode.output.path"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.tool);
    CAPTURE(c.args);
    CHECK(verdict(tool_call(c.tool, c.args)) == c.expect);
  }
}

TEST_CASE("request rules: long keys, exact messages and the upload key") {
  std::string long_key(1024, 'k');
  auto plan =
      tool_call("image_inspect", R"({"what":"info","source":{"key":")" + long_key + R"("}})");
  CHECK(
      plan.status().to_string() ==
      "[invalid_argument.image_inspect.source.key] key must be at most 1023 bytes, got 1024 bytes");
  auto ok = tool_call("image_inspect",
                      R"({"what":"info","source":{"key":")" + long_key.substr(1) + R"("}})");
  CHECK(ok.ok());

  auto save = tool_call("image_process",
                        R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],
                            "output":{"mode":"save"}})");
  CHECK(save.status().to_string() ==
        "[invalid_argument.image_process.output.target_key] "
        "target_key is required when output.mode is \"save\"");

  const struct {
    const char* uri;
    const char* key;
  } uploads[] = {
      {"/abs/path/report.pdf", "report.pdf"},
      {"https://example.com/a/b/c.png?x=1#f", "c.png"},
      {"https://example.com/", "upload"},
      {"https://example.com", "upload"},
  };
  for (const auto& u : uploads) {
    CAPTURE(u.uri);
    CHECK(omm::core::default_upload_key(u.uri) == u.key);
  }
}

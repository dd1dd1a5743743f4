// The same request through both syntaxes — tool JSON and the CLI string syntax — gives the
// same plan (every field, every typed parameter, the rendered string) or the same error id.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core_test_util.h"

using namespace omm::core;
using omm::Result;

namespace {

struct Cli {
  std::vector<std::string> ops;
  const char* source = "in/a.jpg";
  const char* uri = nullptr;
  const char* mode = nullptr;
  const char* path = nullptr;
  const char* target_key = nullptr;
  bool no_download = false;
};

struct Case {
  Cli cli;
  const char* tool;
  const char* args;
  const char* expect;  // rendered operations, or the shared error id
};

Result<Plan> run_cli(const Cli& c) {
  CliRequest r;
  r.operations = c.ops;
  if (c.source != nullptr) r.source = c.source;
  if (c.uri != nullptr) r.uri = c.uri;
  if (c.mode != nullptr) r.output_mode = c.mode;
  if (c.path != nullptr) r.output_path = c.path;
  if (c.target_key != nullptr) r.target_key = c.target_key;
  r.no_download = c.no_download;
  return plan_from_cli(r);
}

}  // namespace

TEST_CASE("parity: both syntaxes give the same plans and the same error ids") {
  const Case cases[] = {
      {{{"resize:w=600,mode=lfit", "watermark:text=© 2026,g=se,opacity=60,size=30",
         "rotate:angle=90", "quality:Q=80", "format:webp"},
        "in/a.jpg",
        nullptr,
        "download",
        "a.webp"},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":600,"m":"lfit"},
           {"op":"watermark","text":"© 2026","g":"se","t":60,"size":30},{"op":"rotate","value":90},
           {"op":"quality","Q":80},{"op":"format","value":"webp"}],"output":{"mode":"download","path":"a.webp"}})",
       "image/resize,w_600,m_lfit/watermark,t_60,g_se,text_wqkgMjAyNg,size_30/rotate,90/"
       "quality,Q_80/format,webp"},
      {{{"crop:w=200,h=200,g=c"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop","w":200,"h":200,"g":"center"}]})",
       "image/crop,w_200,h_200,g_center"},
      {{{"format:jpeg"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"format","value":"jpg"}]})",
       "image/format,jpg"},
      {{{"watermark:text=DRAFT,tile=1,opacity=15"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"DRAFT","fill":1,"t":15}]})",
       "image/watermark,t_15,fill_1,text_RFJBRlQ"},
      {{{"watermark:image=logo.png,preprocess=resize,w_100+rotate,90"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"logo.png",
           "preprocess":"resize,w_100/rotate,90"}]})",
       "image/"
       "watermark,image_bG9nby5wbmc_eC1vc3MtcHJvY2Vzcz1pbWFnZS9yZXNpemUsd18xMDAvcm90YXRlLDkw"},
      {{{"auto-orient"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"auto-orient","value":1}]})",
       "image/auto-orient,1"},
      {{{"resize:w=100", "blindwatermark-embed:content=© ACME,s=medium"},
        "in/a.jpg",
        nullptr,
        "save",
        nullptr,
        "out/m.jpg"},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":100},
           {"op":"blindwatermark","content":"© ACME","s":"medium"}],
           "output":{"mode":"save","target_key":"out/m.jpg"}})",
       "image/resize,w_100/blindwatermark,content_wqkgQUNNRQ,s_medium"},
      {{{"info"}}, "image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"info"})", "image/info"},
      {{{"labels"}},
       "image_detect",
       R"({"source":{"key":"in/a.jpg"},"detect":"labels"})",
       "image/labels"},
      {{{"blindwatermark-extract:s=medium"}, "out/marked.jpg"},
       "image_watermark_extract",
       R"({"source":{"key":"out/marked.jpg"},"s":"medium"})",
       "blindwatermark-extract,s_medium"},
      {{{"video/convert:f=mp4,vcodec=h264,s=1280x720,vb=2000000,fps=30,acodec=aac,ab=128000"},
        "v/in.mov",
        nullptr,
        "save",
        "out.mp4",
        "v/out.mp4"},
       "video_transcode",
       R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","s":"1280x720","vb":2000000,"fps":30,
           "acodec":"aac","ab":128000,"output":{"mode":"save","target_key":"v/out.mp4","path":"out.mp4"}})",
       "video/convert,f_mp4,vcodec_h264,acodec_aac,s_1280x720,fps_30,vb_2000000,ab_128000"},
      {{{"video/snapshot:t=2000,f=jpg,w=800,m=fast"}, "v/in.mp4", nullptr, "url"},
       "video_snapshot",
       R"({"source":{"key":"v/in.mp4"},"t":2000,"f":"jpg","w":800,"m":"fast","output":{"mode":"url"}})",
       "video/snapshot,t_2000,w_800,m_fast,f_jpg"},
      {{{"video/snapshots:f=jpg,inter=1000,num=10"},
        "v/in.mp4",
        nullptr,
        nullptr,
        nullptr,
        "v/frames/f"},
       "video_frames",
       R"({"source":{"key":"v/in.mp4"},"f":"jpg","inter":1000,"num":10,"output":{"target_key":"v/frames/f"}})",
       "video/snapshots,f_jpg,num_10,inter_1000"},
      {{{"video/sprite:f=jpg,sw=160,sh=90,tw=5,th=5,num=25"},
        "v/in.mp4",
        nullptr,
        "save",
        nullptr,
        "v/sprite.jpg"},
       "video_sprite",
       R"({"source":{"key":"v/in.mp4"},"f":"jpg","sw":160,"sh":90,"tw":5,"th":5,"num":25,
           "output":{"mode":"save","target_key":"v/sprite.jpg"}})",
       "video/sprite,f_jpg,num_25,sw_160,sh_90,tw_5,th_5"},
      {{{"video/animation:f=gif,w=480,inter=500,num=20"},
        "v/in.mp4",
        nullptr,
        nullptr,
        nullptr,
        "v/a.gif"},
       "video_animation",
       R"({"source":{"key":"v/in.mp4"},"f":"gif","w":480,"inter":500,"num":20,"output":{"target_key":"v/a.gif"}})",
       "video/animation,f_gif,num_20,inter_500,w_480"},
      {{{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_di9iLm1wNA,ss_0,t_30000"},
        "v/a.mp4",
        nullptr,
        "save",
        nullptr,
        "v/ab.mp4"},
       "media_concat",
       R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4","position":"sur","ss":0,
           "t":30000}],"f":"mp4","vcodec":"h264","acodec":"aac","output":{"mode":"save","target_key":"v/ab.mp4"}})",
       "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_di9iLm1wNA,ss_0,t_30000"},
      {{{"audio/concat:f=mp3/pre,o_YS5tcDM"}, "a/b.mp3", nullptr, nullptr, nullptr, "a/ab.mp3"},
       "media_concat",
       R"({"kind":"audio","source":{"key":"a/b.mp3"},"inputs":[{"key":"a.mp3","position":"pre"}],"f":"mp3",
           "output":{"target_key":"a/ab.mp3"}})",
       "audio/concat,f_mp3/pre,o_YS5tcDM"},
      {{{"video/info"}, "v/in.mp4"},
       "media_info",
       R"({"source":{"key":"v/in.mp4"},"kind":"video"})",
       "video/info"},
      {{{"audio/convert:f=mp3,ab=128000,ar=44100,ac=2"},
        "a/in.wav",
        nullptr,
        "save",
        nullptr,
        "a/out.mp3"},
       "audio_transcode",
       R"({"source":{"key":"a/in.wav"},"f":"mp3","ab":128000,"ar":44100,"ac":2,
           "output":{"mode":"save","target_key":"a/out.mp3"}})",
       "audio/convert,f_mp3,ar_44100,ac_2,ab_128000"},
      {{{"hls/m3u8:vcodec=h264,s=1280x720,vb=2000000"}, "v/in.mp4", nullptr, "url"},
       "hls_playlist",
       R"({"source":{"key":"v/in.mp4"},"vcodec":"h264","s":"1280x720","vb":2000000,"output":{"mode":"url"}})",
       "hls/m3u8,vcodec_h264,s_1280x720,vb_2000000"},
      {{{"upload"}, nullptr, "/abs/path/report.pdf", nullptr, nullptr, "docs/report.pdf"},
       "object_upload",
       R"({"uri":"/abs/path/report.pdf","target_key":"docs/report.pdf"})",
       "upload"},
      {{{"download"}, "docs/report.pdf", nullptr, nullptr, "report.pdf"},
       "object_download",
       R"({"key":"docs/report.pdf","path":"report.pdf"})",
       "download"},
      // errors
      {{{"resize:w=0"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":0}]})",
       "invalid_argument.resize.w"},
      {{{"resize:mode=abc,w=1"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","m":"abc","w":1}]})",
       "invalid_argument.resize.m"},
      {{{"resize:w=0,h=0"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","h":0,"w":0}]})",
       "invalid_argument.resize.w"},
      {{{"resize:zz=1,rw=5,w=1"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","zz":1,"w":1,"rw":5}]})",
       "invalid_argument.resize.rw"},
      {{{"watermark:text=a,rw=10"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","rw":10}]})",
       "invalid_argument.watermark.rw"},
      {{{"bogus"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"bogus"}]})",
       "invalid_argument.operations"},
      {{{"resize:w=10", "faces"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10},{"op":"faces"}]})",
       "invalid_chain.detect_alone"},
      {{{"resize:w=10", "info"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10},{"op":"info"}]})",
       "invalid_chain.info_alone"},
      {{{"blindwatermark-embed:content=a", "resize:w=1"},
        "in/a.jpg",
        nullptr,
        "save",
        nullptr,
        "o.jpg"},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"a"},
           {"op":"resize","w":1}],"output":{"mode":"save","target_key":"o.jpg"}})",
       "invalid_chain.blindwatermark_last"},
      {{{"resize:w=10", "video/info"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10},{"op":"video/info"}]})",
       "invalid_chain.media_alone"},
      {{{"blindwatermark-embed:content=a"}},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"a"}]})",
       "invalid_argument.image_process.output.mode"},
      {{{"resize:w=10"}, nullptr, "/tmp/a.jpg"},
       "image_process",
       R"({"source":{"uri":"/tmp/a.jpg"},"operations":[{"op":"resize","w":10}]})",
       "invalid_argument.image_process.output.mode"},
      {{{"resize:w=10"}, "in/a.jpg", nullptr, "download"},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"download"}})",
       "invalid_argument.image_process.output.path"},
      {{{"resize:w=10"}, "in/a.jpg", nullptr, "download", "a.jpg", nullptr, true},
       "image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"no_download":true,
           "output":{"mode":"download","path":"a.jpg"}})",
       "invalid_argument.image_process.output.mode"},
      {{{"resize:w=10"}, "../a.jpg"},
       "image_process",
       R"({"source":{"key":"../a.jpg"},"operations":[{"op":"resize","w":10}]})",
       "invalid_argument.image_process.source.key"},
      {{{"resize:w=10"}, nullptr},
       "image_process",
       R"({"operations":[{"op":"resize","w":10}]})",
       "invalid_argument.image_process.source"},
      {{{"video/convert:f=mp4,vb=2000000"}, "v/in.mov", nullptr, nullptr, nullptr, "o.mp4"},
       "video_transcode",
       R"({"source":{"key":"v/in.mov"},"f":"mp4","vb":2000000,"output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.vb"},
      {{{"video/convert:f=mp4,vcodec=h264"}, "v/in.mov"},
       "video_transcode",
       R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264"})",
       "invalid_argument.video_transcode.output.target_key"},
      {{{"video/convert:f=mp4,vcodec=h264"}, "v/in.mov", nullptr, "url"},
       "video_transcode",
       R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","output":{"mode":"url"}})",
       "invalid_argument.video_transcode.output.mode"},
      {{{"video/snapshots:f=jpg,inter=1000"},
        "v/in.mp4",
        nullptr,
        nullptr,
        nullptr,
        "v/frames/f.jpg"},
       "video_frames",
       R"({"source":{"key":"v/in.mp4"},"f":"jpg","inter":1000,"output":{"target_key":"v/frames/f.jpg"}})",
       "invalid_argument.video_frames.output.target_key"},
      {{{"video/concat:f=mp4,vcodec=h264,acodec=aac/pre,o_di9iLm1wNA,ss_-5"},
        "v/a.mp4",
        nullptr,
        nullptr,
        nullptr,
        "v/ab.mp4"},
       "media_concat",
       R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4","position":"pre","ss":-5}],
           "f":"mp4","vcodec":"h264","acodec":"aac","output":{"target_key":"v/ab.mp4"}})",
       "invalid_argument.media_concat.inputs.ss"},
      {{{"hls/m3u8:vcodec=h264"}, "v/in.mp4", nullptr, "download", "p.m3u8"},
       "hls_playlist",
       R"({"source":{"key":"v/in.mp4"},"vcodec":"h264","output":{"mode":"download","path":"p.m3u8"}})",
       "invalid_argument.hls_playlist.output.mode"},
      {{{"info"}, "in/a.jpg", nullptr, "url"},
       "image_inspect",
       R"({"source":{"key":"in/a.jpg"},"what":"info","output":{"mode":"url"}})",
       "invalid_argument.image_inspect.output"},
      {{{"blindwatermark-extract:s=x"}},
       "image_watermark_extract",
       R"({"source":{"key":"in/a.jpg"},"s":"x"})",
       "invalid_argument.image_watermark_extract.s"},
      {{{"upload"}, nullptr, nullptr, nullptr, nullptr, "d/r.pdf"},
       "object_upload",
       R"({"target_key":"d/r.pdf"})",
       "invalid_argument.object_upload.uri"},
      {{{"download"}, "docs/report.pdf"},
       "object_download",
       R"({"key":"docs/report.pdf"})",
       "invalid_argument.object_download.path"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cli.ops.front());
    CAPTURE(c.args);
    Result<Plan> from_cli = run_cli(c.cli);
    Result<Plan> from_tool = test::tool_call(c.tool, c.args);
    CHECK(test::outcome(from_cli) == c.expect);
    CHECK(test::outcome(from_tool) == c.expect);
    REQUIRE(from_cli.ok() == from_tool.ok());
    if (from_cli.ok()) {
      CHECK(plan_to_json(*from_cli) == plan_to_json(*from_tool));
      CHECK(render_process_string(*from_cli, "bkt") == render_process_string(*from_tool, "bkt"));
    }
  }
}

// Tool-call JSON (DESIGN.md "Argument shapes") to plans: every tool's example, the value-only
// "value" form, and the shape errors only JSON can make.
#include "core/plan_from_tool.h"

#include <doctest/doctest.h>

#include "core_test_util.h"

using omm::core::test::outcome;
using omm::core::test::tool_call;

namespace {

struct Case {
  const char* tool;
  const char* args;
  const char* expect;  // rendered operations, or the error id
};

void run_cases(std::span<const Case> cases) {
  for (const Case& c : cases) {
    CAPTURE(c.tool);
    CAPTURE(c.args);
    CHECK(outcome(tool_call(c.tool, c.args)) == c.expect);
  }
}

}  // namespace

TEST_CASE("tool JSON: the DESIGN.md example of every tool") {
  const Case cases[] = {
      {"image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":600,"m":"lfit"},
           {"op":"watermark","text":"© 2026","g":"se","t":60,"size":30},{"op":"rotate","value":90},
           {"op":"quality","Q":80},{"op":"format","value":"webp"}],
           "output":{"mode":"download","path":"a.webp"}})",
       "image/resize,w_600,m_lfit/watermark,t_60,g_se,text_wqkgMjAyNg,size_30/rotate,90/"
       "quality,Q_80/format,webp"},
      {"image_process",
       R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"© ACME",
           "s":"medium"}],"output":{"mode":"save","target_key":"out/m.jpg"}})",
       "image/blindwatermark,content_wqkgQUNNRQ,s_medium"},
      {"image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"info"})", "image/info"},
      {"image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"average-hue"})", "image/average-hue"},
      {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"faces"})", "image/faces"},
      {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"codes"})", "image/codes"},
      {"image_watermark_extract",
       R"({"source":{"key":"out/marked.jpg"},"s":"medium","wait_seconds":45})",
       "blindwatermark-extract,s_medium"},
      {"video_transcode",
       R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","s":"1280x720","vb":2000000,
           "fps":30,"acodec":"aac","ab":128000,
           "output":{"mode":"save","target_key":"v/out.mp4","path":"out.mp4"}})",
       "video/convert,f_mp4,vcodec_h264,acodec_aac,s_1280x720,fps_30,vb_2000000,ab_128000"},
      {"video_snapshot",
       R"({"source":{"key":"v/in.mp4"},"t":2000,"f":"jpg","w":800,"m":"fast","output":{"mode":"url"}})",
       "video/snapshot,t_2000,w_800,m_fast,f_jpg"},
      {"video_frames",
       R"({"source":{"key":"v/in.mp4"},"f":"jpg","inter":1000,"num":10,
           "output":{"mode":"save","target_key":"v/frames/f"}})",
       "video/snapshots,f_jpg,num_10,inter_1000"},
      {"video_sprite",
       R"({"source":{"key":"v/in.mp4"},"f":"jpg","sw":160,"sh":90,"tw":5,"th":5,"num":25,
           "output":{"mode":"save","target_key":"v/sprite.jpg"}})",
       "video/sprite,f_jpg,num_25,sw_160,sh_90,tw_5,th_5"},
      {"video_animation",
       R"({"source":{"key":"v/in.mp4"},"f":"gif","w":480,"inter":500,"num":20,
           "output":{"mode":"save","target_key":"v/a.gif"}})",
       "video/animation,f_gif,num_20,inter_500,w_480"},
      {"media_concat",
       R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4","position":"sur",
           "ss":0,"t":30000}],"f":"mp4","vcodec":"h264","acodec":"aac",
           "output":{"mode":"save","target_key":"v/ab.mp4"}})",
       "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_di9iLm1wNA,ss_0,t_30000"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a/1.mp3"},"inputs":[{"key":"a.mp3"},
           {"key":"v/a.mp4","position":"pre"}],"f":"mp3","output":{"target_key":"a/all.mp3"}})",
       "audio/concat,f_mp3/sur,o_YS5tcDM/pre,o_di9hLm1wNA"},
      {"media_info", R"({"source":{"key":"v/in.mp4"},"kind":"video"})", "video/info"},
      {"media_info", R"({"source":{"key":"a/in.mp3"},"kind":"audio"})", "audio/info"},
      {"audio_transcode",
       R"({"source":{"key":"a/in.wav"},"f":"mp3","ab":128000,"ar":44100,"ac":2,
           "output":{"mode":"save","target_key":"a/out.mp3"}})",
       "audio/convert,f_mp3,ar_44100,ac_2,ab_128000"},
      {"hls_playlist",
       R"({"source":{"key":"v/in.mp4"},"vcodec":"h264","s":"1280x720","vb":2000000,
           "output":{"mode":"url","expires":3600}})",
       "hls/m3u8,vcodec_h264,s_1280x720,vb_2000000"},
      {"object_upload", R"({"uri":"/abs/path/report.pdf","target_key":"docs/report.pdf"})", "upload"},
      {"object_download", R"({"key":"docs/report.pdf","path":"report.pdf"})", "download"},
  };
  run_cases(cases);
}

TEST_CASE("tool JSON: operation parameters are checked with the op or tool id") {
  const Case cases[] = {
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":0}]})",
       "invalid_argument.resize.w"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":"600"}]})",
       "invalid_argument.resize.w"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":6.5}]})",
       "invalid_argument.resize.w"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","m":"abc","w":1}]})",
       "invalid_argument.resize.m"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","mode":"lfit"}]})",
       "invalid_argument.resize.mode"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"rotate","angle":90}]})",
       "invalid_argument.rotate.angle"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"rotate"}]})",
       "invalid_argument.rotate.value"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"flip","value":3}]})",
       "invalid_argument.flip.value"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"format","value":"jpeg"}]})",
       "image/format,jpg"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"format","value":"svg"}]})",
       "invalid_argument.format.value"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"quality","q":90,"Q":80}]})",
       "invalid_argument.quality.Q"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"quality"}]})",
       "invalid_argument.quality.q"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"blur","r":5}]})",
       "invalid_argument.blur.s"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"blur","r":5,"s":5,"p":50}]})",
       "invalid_argument.blur.p"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"sharpen","value":49}]})",
       "invalid_argument.sharpen.value"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"bright","value":-101}]})",
       "invalid_argument.bright.value"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"contrast","value":100}]})",
       "image/contrast,100"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"circle","r":4097}]})",
       "invalid_argument.circle.r"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"rounded-corners","r":4096}]})",
       "image/rounded-corners,r_4096"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"indexcrop","x":10,"y":10}]})",
       "invalid_argument.indexcrop.y"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"crop","p":120}]})",
       "invalid_argument.crop.p"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"crop","w":0,"h":0}]})",
       "image/crop,w_0,h_0"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"interlace","value":1}]})",
       "image/interlace,1"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"auto-orient"}]})",
       "image/auto-orient,1"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","g":"se"}]})",
       "invalid_argument.watermark.text"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","image":"l.png","size":20}]})",
       "invalid_argument.watermark.size"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"a","padx":5}]})",
       "invalid_argument.watermark.padx"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"a","order":1}]})",
       "invalid_argument.watermark.order"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"a","image":"l.png",
           "order":1,"align":1,"interval":10,"type":"wqy-zenhei"}]})",
       "image/watermark,image_bC5wbmc,text_YQ,type_d3F5LXplbmhlaQ,order_1,align_1,interval_10"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"a","type":"arial"}]})",
       "invalid_argument.watermark.type"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","text":"a","color":"red"}]})",
       "invalid_argument.watermark.color"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark",
           "text":"01234567890123456789012345678901234567890123456789012345678901234"}]})",
       "invalid_argument.watermark.text"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"watermark","image":"/abs.png"}]})",
       "invalid_argument.watermark.image"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","vcodec":"h264","vb":5,"output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.vb"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","crf":23,"output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.crf"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","vcodec":"copy","s":"1280x720","output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.s"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","output":{"target_key":"o.mp4"}})", "video/convert,f_mp4"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","vcodec":"h264","s":"1281x720","output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.s"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","vcodec":"h264","fps":0,"output":{"target_key":"o.mp4"}})",
       "video/convert,f_mp4,vcodec_h264,fps_0"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"vcodec":"h264","output":{"target_key":"o.mp4"}})",
       "invalid_argument.video_transcode.f"},
      {"video_snapshot", R"({"source":{"key":"v.mp4"},"f":"jpg"})",
       "invalid_argument.video_snapshot.t"},
      {"video_snapshot", R"({"source":{"key":"v.mp4"},"t":0,"f":"gif"})",
       "invalid_argument.video_snapshot.f"},
      {"video_sprite", R"({"source":{"key":"v.mp4"},"f":"jpg","output":{"target_key":"s.jpg"}})",
       "invalid_argument.video_sprite.num"},
      {"video_sprite",
       R"({"source":{"key":"v.mp4"},"f":"jpg","inter":1000,"tw":101,"output":{"target_key":"s.jpg"}})",
       "invalid_argument.video_sprite.tw"},
      {"video_animation",
       R"({"source":{"key":"v.mp4"},"f":"gif","w":31,"output":{"target_key":"a.gif"}})",
       "invalid_argument.video_animation.w"},
      {"audio_transcode",
       R"({"source":{"key":"a.wav"},"f":"mp3","aq":50,"ab":128000,"output":{"target_key":"a.mp3"}})",
       "invalid_argument.audio_transcode.ab"},
      {"audio_transcode",
       R"({"source":{"key":"a.wav"},"f":"mp3","adepth":24,"output":{"target_key":"a.mp3"}})",
       "invalid_argument.audio_transcode.adepth"},
      {"audio_transcode",
       R"({"source":{"key":"a.wav"},"f":"flac","adepth":24,"output":{"target_key":"a.flac"}})",
       "audio/convert,f_flac,adepth_24"},
      {"audio_transcode",
       R"({"source":{"key":"a.wav"},"f":"mp3","ac":9,"output":{"target_key":"a.mp3"}})",
       "invalid_argument.audio_transcode.ac"},
      {"hls_playlist", R"({"source":{"key":"v.mp4"},"vcodec":"vp9"})",
       "invalid_argument.hls_playlist.vcodec"},
      {"image_watermark_extract", R"({"source":{"key":"m.jpg"},"s":"strong"})",
       "invalid_argument.image_watermark_extract.s"},
      {"image_watermark_extract", R"({"source":{"key":"m.jpg"}})", "blindwatermark-extract"},
  };
  run_cases(cases);
}

TEST_CASE("tool JSON: selectors, concat inputs and shapes") {
  const Case cases[] = {
      {"image_inspect", R"({"source":{"key":"a.jpg"}})", "invalid_argument.image_inspect.what"},
      {"image_inspect", R"({"source":{"key":"a.jpg"},"what":"exif"})",
       "invalid_argument.image_inspect.what"},
      {"image_inspect", R"({"source":{"key":"a.jpg"},"what":"info","w":5})",
       "invalid_argument.image_inspect.w"},
      {"image_detect", R"({"source":{"key":"a.jpg"},"detect":"dogs"})",
       "invalid_argument.image_detect.detect"},
      {"media_info", R"({"source":{"key":"a.mp4"},"kind":"image"})", "invalid_argument.media_info.kind"},
      {"media_concat", R"({"source":{"key":"a.mp4"},"f":"mp4"})", "invalid_argument.media_concat.kind"},
      {"media_concat",
       R"({"kind":"video","source":{"key":"a.mp4"},"f":"mp4","vcodec":"h264","acodec":"aac",
           "inputs":[],"output":{"target_key":"o.mp4"}})",
       "invalid_argument.media_concat.inputs"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":[{"key":"1"},{"key":"2"},{"key":"3"},{"key":"4"},{"key":"5"},{"key":"6"},
                     {"key":"7"},{"key":"8"},{"key":"9"},{"key":"10"},{"key":"11"}]})",
       "invalid_argument.media_concat.inputs"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":[{"key":"b.mp3","position":"middle"}]})",
       "invalid_argument.media_concat.inputs.position"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":[{"position":"pre"}]})",
       "invalid_argument.media_concat.inputs.key"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":[{"key":"b.mp3","ss":-1}]})",
       "invalid_argument.media_concat.inputs.ss"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":[{"key":"b.mp3","o":"YQ"}]})",
       "invalid_argument.media_concat.inputs.o"},
      {"media_concat",
       R"({"kind":"audio","source":{"key":"a.mp3"},"f":"mp3","output":{"target_key":"o.mp3"},
           "inputs":"b.mp3"})",
       "invalid_argument.media_concat.inputs"},
      {"image_process", R"({"source":{"key":"a.jpg"}})", "invalid_argument.image_process.operations"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[]})",
       "invalid_argument.image_process.operations"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":{"op":"resize"}})",
       "invalid_argument.image_process.operations"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":["resize:w=5"]})",
       "invalid_argument.image_process.operations"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"w":5}]})",
       "invalid_argument.image_process.operations.op"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"bogus"}]})",
       "invalid_argument.operations"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"w":5})",
       "invalid_argument.image_process.w"},
      {"image_process", R"({"source":"a.jpg","operations":[{"op":"resize","w":5}]})",
       "invalid_argument.image_process.source"},
      {"image_process", R"({"source":{"key":5},"operations":[{"op":"resize","w":5}]})",
       "invalid_argument.image_process.source.key"},
      {"image_process", R"({"source":{"bucket":"b"},"operations":[{"op":"resize","w":5}]})",
       "invalid_argument.image_process.source.bucket"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"output":{"format":"png"}})",
       "invalid_argument.image_process.output.format"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"dry_run":"yes"})",
       "invalid_argument.image_process.dry_run"},
      {"image_process",
       R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":5}],"wait_seconds":5})",
       "invalid_argument.image_process.wait_seconds"},
      {"image_process", R"([1,2])", "invalid_argument.image_process"},
      {"object_list", R"({})", "invalid_argument.tool"},
      {"no_such_tool", R"({})", "invalid_argument.tool"},
      {"object_upload", R"({"target_key":"d/r.pdf"})", "invalid_argument.object_upload.uri"},
      {"object_upload", R"({"uri":"report.pdf"})", "invalid_argument.object_upload.uri"},
      {"object_upload", R"({"uri":"/abs/report.pdf","path":"x"})", "invalid_argument.object_upload.path"},
      {"object_download", R"({"key":"d/r.pdf"})", "invalid_argument.object_download.path"},
      {"object_download", R"({"key":"d/../r.pdf","path":"r.pdf"})",
       "invalid_argument.object_download.key"},
      {"object_download", R"({"key":"d/r.pdf","path":"r.pdf","no_download":true})",
       "invalid_argument.object_download.no_download"},
  };
  run_cases(cases);
}

TEST_CASE("tool JSON: plan fields and exact messages") {
  auto plan = tool_call("object_upload", R"({"uri":"https://example.com/x/photo.png?sig=1"})");
  REQUIRE(plan.ok());
  CHECK(plan->output.target_key == "photo.png");
  CHECK(plan->source.kind == omm::core::Source::Kind::kUri);

  auto video = tool_call("video_transcode",
                         R"({"source":{"key":"v.mov"},"f":"mp4","output":{"target_key":"o.mp4"},
                             "wait_seconds":30,"bucket":"my-bucket","region":"cn-hangzhou"})");
  REQUIRE(video.ok());
  CHECK(video->category == omm::core::Category::kAsync);
  CHECK(video->output.mode == omm::core::OutputMode::kSave);
  CHECK(*video->wait_seconds == 30);
  CHECK(*video->bucket == "my-bucket");

  const struct {
    const char* tool;
    const char* args;
    const char* message;
  } messages[] = {
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":0}]})",
       "[invalid_argument.resize.w] w must be 1..16384, got 0"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","m":"abc","w":1}]})",
       "[invalid_argument.resize.m] m must be one of lfit, mfit, fill, pad, fixed, got \"abc\""},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":true}]})",
       "[invalid_argument.resize.w] w must be an integer 1..16384, got true"},
      {"video_transcode",
       R"({"source":{"key":"v.mov"},"f":"mp4","vcodec":"h264","vb":5,"output":{"target_key":"o.mp4"}})",
       "[invalid_argument.video_transcode.vb] vb must be 10000..100000000, got 5"},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"flip","value":3}]})",
       "[invalid_argument.flip.value] value must be one of 0, 1, 2, got 3"},
      {"image_detect", R"({"source":{"key":"a.jpg"},"detect":"dogs"})",
       "[invalid_argument.image_detect.detect] detect must be one of faces, bodies, cars, codes, "
       "labels, score, got \"dogs\""},
      {"image_process", R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","rw":5}]})",
       "[invalid_argument.resize.rw] rw is not a documented resize parameter; allowed: w, h, l, "
       "s, p, m, limit, color"},
  };
  for (const auto& m : messages) {
    CAPTURE(m.args);
    CHECK(tool_call(m.tool, m.args).status().to_string() == m.message);
  }
}

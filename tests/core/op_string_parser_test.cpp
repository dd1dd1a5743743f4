// The CLI string syntax: every golden vector of seed_ops.md §16, restated in documented
// parameter order and with the DESIGN.md wire corrections, plus the syntax's own rules.
#include "core/op_string_parser.h"

#include <doctest/doctest.h>

#include "core_test_util.h"

using omm::core::CliRequest;
using omm::core::plan_from_cli;
using omm::core::test::cli_request;
using omm::core::test::outcome;

namespace {

struct Case {
  std::vector<std::string> ops;
  const char* mode;        // --output-mode, or nullptr
  const char* target_key;  // --target-key, or nullptr
  const char* expect;      // rendered operations, or the error id
};

std::string run(const Case& c) {
  CliRequest r = cli_request(c.ops);
  if (c.mode != nullptr) r.output_mode = c.mode;
  if (c.target_key != nullptr) r.target_key = c.target_key;
  return outcome(plan_from_cli(r));
}

}  // namespace

TEST_CASE("string syntax: seed_ops.md §16 golden vectors, documented order and wire corrections") {
  const Case cases[] = {
      {{"resize:w=400,h=300,mode=pad,color=F5F5F5,limit=0"},
       nullptr,
       nullptr,
       "image/resize,w_400,h_300,m_pad,limit_0,color_F5F5F5"},
      {{"resize:p=50"}, nullptr, nullptr, "image/resize,p_50"},
      {{"resize:l=1024,m=lfit"}, nullptr, nullptr, "image/resize,l_1024,m_lfit"},
      {{"crop:w=200,h=200,g=c"}, nullptr, nullptr, "image/crop,w_200,h_200,g_center"},
      {{"crop:g=face,p=150"}, nullptr, nullptr, "image/crop,g_face,p_150"},
      {{"crop:g=auto"}, nullptr, nullptr, "image/crop,g_auto"},
      {{"indexcrop:x=100,i=0"}, nullptr, nullptr, "image/indexcrop,x_100,i_0"},
      {{"rotate:angle=90"}, nullptr, nullptr, "image/rotate,90"},
      {{"rotate:a=30"}, nullptr, nullptr, "invalid_argument.rotate.a"},  // was rotate,a_30
      {{"flip:v=1"}, nullptr, nullptr, "image/flip,1"},
      {{"quality:q=80"}, nullptr, nullptr, "image/quality,q_80"},  // was Q_80
      {{"format:target=webp"}, nullptr, nullptr, "image/format,webp"},
      {{"format:webp"}, nullptr, nullptr, "image/format,webp"},
      {{"interlace:mode=1"}, nullptr, nullptr, "image/interlace,1"},
      {{"blur:r=5,s=3"}, nullptr, nullptr, "image/blur,r_5,s_3"},
      {{"blur:g=faces,r=25,s=50,p=200"}, nullptr, nullptr, "image/blur,r_25,s_50,g_faces,p_200"},
      {{"sharpen:v=100"}, nullptr, nullptr, "image/sharpen,100"},
      {{"bright:v=-30"}, nullptr, nullptr, "image/bright,-30"},
      {{"contrast:v=20"}, nullptr, nullptr, "image/contrast,20"},
      {{"auto-orient"}, nullptr, nullptr, "image/auto-orient,1"},
      {{"auto-orient:v=0"}, nullptr, nullptr, "image/auto-orient,0"},
      {{"circle:r=100"}, nullptr, nullptr, "image/circle,r_100"},
      {{"rounded-corners:r=20"}, nullptr, nullptr, "image/rounded-corners,r_20"},
      {{"info"}, nullptr, nullptr, "image/info"},
      {{"average-hue"}, nullptr, nullptr, "image/average-hue"},
      {{"faces"}, nullptr, nullptr, "image/faces"},
      {{"bodies"}, nullptr, nullptr, "image/bodies"},
      {{"cars"}, nullptr, nullptr, "image/cars"},
      {{"codes"}, nullptr, nullptr, "image/codes"},
      {{"labels"}, nullptr, nullptr, "image/labels"},
      {{"score"}, nullptr, nullptr, "image/score"},
      // No default font is injected; watermark tables render basic, image, text, mixed.
      {{"resize:w=600", "watermark:text=Copyright 2026,g=se,opacity=60,size=30"},
       nullptr,
       nullptr,
       "image/resize,w_600/watermark,t_60,g_se,text_Q29weXJpZ2h0IDIwMjY,size_30"},
      {{"watermark:text=DRAFT,size=36,opacity=15,tile=1"},
       nullptr,
       nullptr,
       "image/watermark,t_15,fill_1,text_RFJBRlQ,size_36"},  // was P_1 + default font
      {{"watermark:image=logo.png,preprocess=resize,w_100+rotate,90,opacity=80"},
       nullptr,
       nullptr,
       "image/watermark,t_80,"
       "image_bG9nby5wbmc_eC1vc3MtcHJvY2Vzcz1pbWFnZS9yZXNpemUsd18xMDAvcm90YXRlLDkw"},
      {{"watermark:text=\"a,b\",color=FF0000,type=fangzhengshusong"},
       nullptr,
       nullptr,
       "image/watermark,text_YSxi,type_ZmFuZ3poZW5nc2h1c29uZw,color_FF0000"},
      {{"watermark:text=Hi,fill=1,padx=10,rotate=30,voffset=-5"},
       nullptr,
       nullptr,
       "image/watermark,voffset_-5,fill_1,padx_10,text_SGk,rotate_30"},
      // Embed: s_<level> instead of bare strength_* tokens; url mode is refused, so save.
      {{"blindwatermark-embed:content=Copyright2024,s=high"},
       "save",
       "out/m.jpg",
       "image/blindwatermark,content_Q29weXJpZ2h0MjAyNA,s_high"},
      {{"resize:w=100", "blindwatermark-embed:content=a"},
       "save",
       "out/m.jpg",
       "image/resize,w_100/blindwatermark,content_YQ,s_low"},
      {{"video/snapshot:t=17000,f=jpg,w=800,h=600,m=fast"},
       nullptr,
       nullptr,
       "video/snapshot,t_17000,w_800,h_600,m_fast,f_jpg"},
      {{"video/info"}, nullptr, nullptr, "video/info"},
      {{"audio/info"}, nullptr, nullptr, "audio/info"},
      {{"video/convert:f=mp4,vcodec=h264,s=1920x1080,vb=2000000,fps=30,acodec=aac,ab=100000"},
       nullptr,
       "out/v.mp4",
       "video/convert,f_mp4,vcodec_h264,acodec_aac,s_1920x1080,fps_30,vb_2000000,ab_100000"},
      {{"video/animation:f=gif,w=480,h=320,inter=1000"},
       nullptr,
       "out/a.gif",
       "video/animation,f_gif,inter_1000,w_480,h_320"},
      {{"video/snapshots:f=jpg,inter=1000"},
       nullptr,
       "output/frames/frame",
       "video/snapshots,f_jpg,inter_1000"},
      {{"video/sprite:f=jpg,sw=160,sh=120,tw=5,th=5,num=25"},
       nullptr,
       "out/s.jpg",
       "video/sprite,f_jpg,num_25,sw_160,sh_120,tw_5,th_5"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_b3V0L2IubXA0,ss_0,t_30000/"
        "pre,o_b3V0L2EubXA0"},
       nullptr,
       "out/c.mp4",
       "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_b3V0L2IubXA0,ss_0,t_30000/"
       "pre,o_b3V0L2EubXA0"},
      {{"audio/convert:f=mp3,ab=192000"}, nullptr, "out/a.mp3", "audio/convert,f_mp3,ab_192000"},
      {{"audio/concat:f=mp3,ab=192000/sur,o_YS5tcDM"},
       nullptr,
       "out/a.mp3",
       "audio/concat,f_mp3,ab_192000/sur,o_YS5tcDM"},
      // hls renders without the video/ prefix the skill added.
      {{"hls/"
        "m3u8:ss=15000,t=1800000,vcodec=h264,fps=25,s=1280x720,vb=2000000,acodec=aac,ab=128000"},
       nullptr,
       nullptr,
       "hls/m3u8,ss_15000,t_1800000,vcodec_h264,fps_25,s_1280x720,vb_2000000,acodec_aac,ab_128000"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ops.front());
    CHECK(run(c) == c.expect);
  }
}

TEST_CASE("string syntax: §16 rejections, with the zero values the docs allow now accepted") {
  const Case cases[] = {
      {{"resize:w=0"}, nullptr, nullptr, "invalid_argument.resize.w"},
      {{"resize:mode=abc"}, nullptr, nullptr, "invalid_argument.resize.m"},
      {{"crop:g=xx"}, nullptr, nullptr, "invalid_argument.crop.g"},
      {{"rotate:angle=400"}, nullptr, nullptr, "invalid_argument.rotate.value"},
      {{"hls/m3u8:s=1280*720"}, nullptr, nullptr, "invalid_argument.hls_playlist.s"},
      {{"video/snapshot:t=0,f=jpg"}, nullptr, nullptr, "video/snapshot,t_0,f_jpg"},
      {{"video/snapshot:t=1000,w=0,f=jpg"}, nullptr, nullptr, "video/snapshot,t_1000,w_0,f_jpg"},
      {{"video/snapshot:t=0,w=0,h=0,f=png"}, nullptr, nullptr, "video/snapshot,t_0,w_0,h_0,f_png"},
      {{"hls/m3u8:t=0"}, nullptr, nullptr, "hls/m3u8,t_0"},
      {{"blindwatermark-embed:s=high"}, "save", "o.jpg", "invalid_argument.blindwatermark.content"},
      {{"blindwatermark-embed:content=a,s=ultra"},
       "save",
       "o.jpg",
       "invalid_argument.blindwatermark.s"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac"},
       nullptr,
       "o.mp4",
       "invalid_argument.media_concat.inputs"},
      {{"resize:w"}, nullptr, nullptr, "invalid_syntax.resize"},
      {{"bogus"}, nullptr, nullptr, "invalid_argument.operations"},
      {{"resize:w=10", "info"}, nullptr, nullptr, "invalid_chain.info_alone"},
      {{"resize:w=10", "faces"}, nullptr, nullptr, "invalid_chain.detect_alone"},
      {{"blindwatermark-embed:content=a", "resize:w=10"},
       "save",
       "o.jpg",
       "invalid_chain.blindwatermark_last"},
      {{"video/info", "audio/info"}, nullptr, nullptr, "invalid_chain.media_alone"},
      {{"video/info", "resize:w=10"}, nullptr, nullptr, "invalid_chain.media_alone"},
      {{"video/convert:f=mp4,vcodec=h264"},
       nullptr,
       nullptr,
       "invalid_argument.video_transcode.output.target_key"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ops.front());
    CHECK(run(c) == c.expect);
  }
}

TEST_CASE("string syntax: aliases, quoting, shorthands and refused undocumented parameters") {
  const Case cases[] = {
      {{"rotate:degree=45"}, nullptr, nullptr, "image/rotate,45"},
      {{"rotate:90"}, nullptr, nullptr, "image/rotate,90"},
      {{"rotate:value=180"}, nullptr, nullptr, "image/rotate,180"},
      {{"flip:2"}, nullptr, nullptr, "image/flip,2"},
      {{"format:jpeg"}, nullptr, nullptr, "image/format,jpg"},
      {{"format:target=jpeg"}, nullptr, nullptr, "image/format,jpg"},
      {{"format:'png'"}, nullptr, nullptr, "image/format,png"},
      {{"quality:Q=75"}, nullptr, nullptr, "image/quality,Q_75"},
      {{"resize:m=fill,w=100,h=100"}, nullptr, nullptr, "image/resize,w_100,h_100,m_fill"},
      {{" resize : w=100 , h=50 ,"}, nullptr, nullptr, "image/resize,w_100,h_50"},
      {{"crop:x=10,y=20,w=300,h=300,g=se"},
       nullptr,
       nullptr,
       "image/crop,w_300,h_300,x_10,y_20,g_se"},
      {{"crop:g=n"}, nullptr, nullptr, "image/crop,g_north"},
      {{"watermark:text=Hi,g=w"}, nullptr, nullptr, "image/watermark,g_west,text_SGk"},
      {{"watermark:text=Hi,shadow=50"}, nullptr, nullptr, "image/watermark,text_SGk,shadow_50"},
      {{"watermark:text='x=1, y=2'"}, nullptr, nullptr, "image/watermark,text_eD0xLCB5PTI"},
      {{"watermark:text=测试水印"}, nullptr, nullptr, "image/watermark,text_5rWL6K-V5rC05Y2w"},
      {{"watermark:image=panda.png,preprocess=resize,P_30,opacity=90,g=se"},
       nullptr,
       nullptr,
       "image/watermark,t_90,g_se,image_cGFuZGEucG5nP3gtb3NzLXByb2Nlc3M9aW1hZ2UvcmVzaXplLFBfMzA"},
      {{"watermark:text=a,rw=5"}, nullptr, nullptr, "invalid_argument.watermark.rw"},
      {{"watermark:text=a,rh=5"}, nullptr, nullptr, "invalid_argument.watermark.rh"},
      {{"watermark:image=l.png,aw=5"}, nullptr, nullptr, "invalid_argument.watermark.aw"},
      {{"watermark:image=l.png,ah=5"}, nullptr, nullptr, "invalid_argument.watermark.ah"},
      {{"watermark:text=a,shadow={\"x\":1}"},
       nullptr,
       nullptr,
       "invalid_argument.watermark.shadow"},
      {{"watermark:image=l.png,preprocess=circle,r_10"},
       nullptr,
       nullptr,
       "invalid_argument.watermark.preprocess"},
      {{"watermark:text=a,preprocess=resize,w_10"},
       nullptr,
       nullptr,
       "invalid_argument.watermark.preprocess"},
      {{"video/snapshots:f=png,interval=500"}, nullptr, "o/f", "video/snapshots,f_png,inter_500"},
      {{"video/sprite:f=jpg,cols=5,num=10"},
       nullptr,
       "o/s.jpg",
       "invalid_argument.video_sprite.cols"},
      {{"video/convert:f=mp4,vcodec=h264,gop=30"},
       nullptr,
       "o.mp4",
       "invalid_argument.video_transcode.gop"},
      {{"blindwatermark-extract:s=high,model=FFT"},
       nullptr,
       nullptr,
       "invalid_argument.image_watermark_extract.model"},
      {{"blindwatermark-extract:s=medium"}, nullptr, nullptr, "blindwatermark-extract,s_medium"},
      {{"blindwatermark:content=a"}, "save", "o.jpg", "image/blindwatermark,content_YQ,s_low"},
      {{"resize:w=1,w=2"}, nullptr, nullptr, "invalid_argument.resize.w"},
      {{"resize:mode=lfit,m=fill,w=5"}, nullptr, nullptr, "invalid_argument.resize.m"},
      {{"resize:=5"}, nullptr, nullptr, "invalid_syntax.resize"},
      {{"resize:w=abc"}, nullptr, nullptr, "invalid_argument.resize.w"},
      {{"resize:w=1.5"}, nullptr, nullptr, "invalid_argument.resize.w"},
      {{"format:webp,png"}, nullptr, nullptr, "invalid_syntax.format"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_!!"},
       nullptr,
       "o.mp4",
       "invalid_argument.media_concat.inputs.key"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_YQ,x_1"},
       nullptr,
       "o.mp4",
       "invalid_argument.media_concat.inputs.x"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_YQ,ss"},
       nullptr,
       "o.mp4",
       "invalid_syntax.video_concat"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/mid,o_YQ"},
       nullptr,
       "o.mp4",
       "invalid_syntax.video_concat"},
      {{"video/concat:f=mp4,vcodec=h264/sur,o_YQ/acodec=aac"},
       nullptr,
       "o.mp4",
       "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_YQ"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur"},
       nullptr,
       "o.mp4",
       "invalid_argument.media_concat.inputs.key"},
      {{"video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_Li4vZXRj"},
       nullptr,
       "o.mp4",
       "invalid_argument.media_concat.inputs.key"},  // "../etc"
  };
  for (const Case& c : cases) {
    CAPTURE(c.ops.front());
    CHECK(run(c) == c.expect);
  }
}

TEST_CASE("string syntax: parse_op_string keeps raw values for the shared validation") {
  auto op = omm::core::parse_op_string("watermark:text=\"a,b\",opacity=60,tile=1");
  REQUIRE(op.ok());
  CHECK(op->spec->name == "watermark");
  REQUIRE(op->params.size() == 3);
  CHECK(op->params[0].name == "text");
  CHECK(op->params[0].value.s == "a,b");
  CHECK(op->params[1].name == "t");
  CHECK(op->params[2].name == "fill");

  auto concat = omm::core::parse_op_string("audio/concat:f=mp3/pre,o_YS5tcDM,t_500");
  REQUIRE(concat.ok());
  REQUIRE(concat->inputs.size() == 1);
  CHECK(concat->inputs[0].fields[0].value.s == "pre");
  CHECK(concat->inputs[0].fields[1].value.s == "a.mp3");

  auto bad = omm::core::parse_op_string("resize:w");
  CHECK(bad.status().to_string() == "[invalid_syntax.resize] parameter 'w' has no '=' value");
  CHECK(plan_from_cli(cli_request({"bogus"}))
            .status()
            .message()
            .rfind("unknown operation 'bogus'; allowed: audio/concat, audio/convert", 0) == 0);
}

// ffmpeg_args: the argument vector of every media operation, checked without running ffmpeg.
#include "local/ffmpeg_args.h"

#include <doctest/doctest.h>

#include "core/input_formats.h"
#include "ffmpeg_test_util.h"

using omm::local::ArgsInput;
using omm::local::ArgsRequest;
using omm::local::MediaSummary;
using omm::local::test::tool_op;

namespace {

MediaSummary clip_media() {
  MediaSummary m;
  m.duration = 10;
  m.format = "mov,mp4,m4a,3gp,3g2,mj2";
  m.has_video = true;
  m.width = 640;
  m.height = 360;
  m.video_codec = "h264";
  m.frame_rate = "25/1";
  m.fps = 25;
  m.video_bit_rate = 1000000;
  m.has_audio = true;
  m.audio_codec = "aac";
  m.sample_rate = 44100;
  m.channels = 2;
  m.audio_bit_rate = 128000;
  return m;
}

// Every input is guarded: "-protocol_whitelist file -format_whitelist <kInputDemuxers>" right
// before its "-i" (checked here for every argv the tests build; dropped from the joined text so
// the cases below read as the commands they are).
void check_inputs_guarded(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] != "-i") continue;
    CAPTURE(i);
    REQUIRE(i >= 4);
    CHECK(argv[i - 4] == "-protocol_whitelist");
    CHECK(argv[i - 3] == "file");
    CHECK(argv[i - 2] == "-format_whitelist");
    CHECK(argv[i - 1] == omm::core::kInputDemuxers);
  }
}

std::string joined(const std::vector<std::string>& argv) {
  check_inputs_guarded(argv);
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "-protocol_whitelist" || argv[i] == "-format_whitelist") {
      ++i;
      continue;
    }
    if (!out.empty()) out += ' ';
    out += argv[i];
  }
  return out;
}

// The argv of a tool call on the 10 s 640x360 clip, joined with spaces (or the error id).
std::string args_for(std::string_view tool, std::string_view json, std::string output = "/o/out") {
  ArgsRequest req;
  req.inputs.push_back(ArgsInput{"/in/src.mp4", clip_media(), std::nullopt, std::nullopt});
  req.output = std::move(output);
  auto argv = omm::local::ffmpeg_args(tool_op(tool, json), req);
  return argv.ok() ? joined(*argv) : argv.status().id();
}

struct Case {
  const char* tool;
  const char* args;
  std::vector<const char*> contains;
  std::vector<const char*> absent = {};
};

void run_cases(std::span<const Case> cases) {
  for (const Case& c : cases) {
    std::string argv = args_for(c.tool, c.args);
    CAPTURE(c.tool);
    CAPTURE(c.args);
    CAPTURE(argv);
    for (const char* part : c.contains) CHECK(argv.find(part) != std::string::npos);
    for (const char* part : c.absent) CHECK(argv.find(part) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("ffmpeg args: the common prefix and an exact remux") {
  CHECK(args_for("video_transcode", R"({"f":"mkv"})") ==
        "ffmpeg -nostdin -hide_banner -loglevel error -y -progress pipe:1 -nostats "
        "-i file:/in/src.mp4 -c:v copy -c:a copy -dn -f matroska /o/out");
  CHECK(args_for("video_snapshot", R"({"t":0,"f":"jpg"})") ==
        "ffmpeg -nostdin -hide_banner -loglevel error -y -i file:/in/src.mp4 -frames:v 1 "
        "-an -sn -dn -c:v mjpeg -q:v 2 -f image2 -update 1 /o/out");
}

TEST_CASE("ffmpeg args: video_convert") {
  const Case cases[] = {
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","s":"320x180","fps":15,"vb":500000,
                             "acodec":"aac","ab":96000})",
       {"-c:v libx264", "-vf scale=320:180,setsar=1,fps=15", "-pix_fmt yuv420p", "-b:v 500000",
        "-c:a aac", "-b:a 96000", "-f mp4 -movflags +faststart /o/out"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h265","crf":28})",
       {"-c:v libx265", "-crf 28", "-tag:v hvc1"},
       {"-vf"}},
      {"video_transcode",
       R"({"f":"webm","vcodec":"vp9","crf":30,"acodec":"opus"})",
       {"-c:v libvpx-vp9", "-crf 30 -b:v 0", "-c:a libopus", "-ar 48000", "-f webm"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","s":"320x320","scaletype":"crop"})",
       {"scale=320:320:force_original_aspect_ratio=increase,crop=320:320"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","s":"320x320","scaletype":"fill"})",
       {"force_original_aspect_ratio=decrease,pad=320:320:(ow-iw)/2:(oh-ih)/2"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","s":"320x320","scaletype":"fit"})",
       {"force_original_aspect_ratio=decrease:force_divisible_by=2"},
       {"pad="}},
      // Only-lower options compare with the source (640x360, 25 fps, 1 Mbps).
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","s":"1280x720","sopt":1,"fps":30,"fpsopt":1,"vb":2000000,"vbopt":1})",
       {"-c:v libx264"},
       {"scale=", "fps=", "-b:v"}},
      {"video_transcode",
       R"({"f":"mp4","ss":1500,"t":2000})",
       {"-ss 1.500 -i file:/in/src.mp4 -t 2.000", "-c:v copy"}},
      {"video_transcode", R"({"f":"mp4","vn":1})", {"-vn", "-c:a copy"}, {"-c:v"}},
      {"video_transcode", R"({"f":"mp4","an":1,"sn":1})", {"-c:v copy", "-an", "-sn"}, {"-c:a"}},
      {"video_transcode", R"({"f":"mp3"})", {"-vn", "-c:a libmp3lame", "-f mp3"}},
      {"video_transcode", R"({"f":"aac"})", {"-vn", "-c:a copy", "-f adts"}},
      {"video_transcode",
       R"({"f":"mkv","ar":22050,"ac":1})",
       {"-c:v copy", "-ar 22050", "-ac 1"},
       {"-c:a"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","pixfmt":"yuv444p","arotate":0})",
       {"-noautorotate -i", "-pix_fmt yuv444p"}},
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","fps":29.97,"crf":23.5,"g":250,"maxrate":3000000,"bufsize":6000000})",
       {"fps=29.97", "-crf 23.5", "-g 250", "-maxrate 3000000", "-bufsize 6000000"}},
      // libvpx takes a whole crf.
      {"video_transcode", R"({"f":"webm","vcodec":"vp9","crf":30.6})", {"-crf 31 -b:v 0"}},
      // The source runs at 25 fps: "keep the source's" leaves it alone.
      {"video_transcode",
       R"({"f":"mp4","vcodec":"h264","fps":29.97,"fpsopt":1})",
       {"-c:v libx264"},
       {"fps="}},
      {"video_transcode", R"({"f":"mp4","vcodec":"h264","videoslim":1})", {"-crf 28"}},
      {"video_transcode", R"({"f":"mp4","acodec":"pcm"})", {"-c:a pcm_s16le"}},
      {"video_transcode", R"({"f":"amr"})", {"engine.unsupported"}},
  };
  run_cases(cases);
}

TEST_CASE("ffmpeg args: snapshot, animation, snapshots, sprite") {
  const Case cases[] = {
      {"video_snapshot",
       R"({"t":2000,"f":"png","w":320})",
       {"-ss 2.000 -i", "-vf scale=320:-1", "-frames:v 1", "-c:v png", "-update 1"},
       {"-noaccurate_seek"}},
      {"video_snapshot",
       R"({"t":2000,"f":"jpg","m":"fast","h":90})",
       {"-ss 2.000 -noaccurate_seek -i", "scale=-1:90"}},
      // The clip is 640x360 (landscape): h turns it a quarter clockwise first, w and auto do not.
      {"video_snapshot",
       R"({"t":0,"f":"jpg","ar":"h","w":90})",
       {"-vf transpose=clock,scale=90:-1"}},
      {"video_snapshot", R"({"t":0,"f":"jpg","ar":"w"})", {"-frames:v 1"}, {"transpose"}},
      {"video_snapshot", R"({"t":0,"f":"jpg","ar":"auto"})", {"-frames:v 1"}, {"transpose"}},
      {"video_animation", R"({"f":"gif","fps":12.5,"num":4})", {"fps=12.5"}},
      {"video_snapshot", R"({"t":2000,"f":"jpg","w":100,"h":100})", {"scale=100:100,setsar=1"}},
      // Past the end (the clip lasts 10 s): the last frame.
      {"video_snapshot",
       R"({"t":60000,"f":"jpg"})",
       {"-sseof -3 -i", "-update 1"},
       {"-frames:v", "-ss "}},
      {"video_snapshot", R"({"t":60000,"f":"jpg","m":"fast"})", {"-sseof -3 -skip_frame nokey -i"}},
      {"video_animation",
       R"({"f":"gif","inter":500,"num":8,"w":160})",
       {"-vf fps=1000/500,scale=160:-1,split[a][b];[a]palettegen", "paletteuse", "-frames:v 8",
        "-loop 0 -f gif"}},
      {"video_animation",
       R"({"f":"gif","inter":500,"fps":10,"ss":1000,"t":3000})",
       {"-ss 1.000 -i file:/in/src.mp4 -t 3.000", "fps=1000/500,setpts=N/(10*TB)", "-r 10"}},
      {"video_animation",
       R"({"f":"webp","fps":5,"w":100,"h":100,"scaletype":"crop"})",
       {"fps=5,scale=100:100:force_original_aspect_ratio=increase,crop=100:100",
        "-c:v libwebp_anim", "-f webp"},
       {"palettegen"}},
      {"video_frames",
       R"({"f":"jpg","inter":1000,"num":5,"w":64,"h":64})",
       {"select='isnan(prev_selected_t)+gte(trunc(t/1)-trunc(prev_selected_t/1)\\,1)'",
        "scale=64:64,setsar=1", "-fps_mode vfr", "-frames:v 5", "-start_number 1"}},
      // num alone spreads the frames over the rest of the clip (10 s - 2 s = 8 s / 4).
      {"video_frames",
       R"({"f":"png","num":4,"ss":2000,"pw":50})",
       {"-ss 2.000 -i", "trunc(t/2)", "scale=trunc(iw*50/100):-1", "-c:v png"}},
      {"video_frames", R"({"f":"jpg","m":"key"})", {"-skip_frame nokey -i", "pict_type"}},
      {"video_frames", R"({"f":"jpg","m":"dhash","thr":30})", {"gt(scene\\,0.3)"}},
      {"video_sprite",
       R"({"f":"jpg","sw":160,"sh":90,"tw":5,"th":4,"num":20})",
       {"*lt(selected_n\\,20)", "scale=160:90,setsar=1", "tile=5x4:nb_frames=20:padding=2:margin=2",
        "-frames:v 1", "-update 1"}},
      {"video_sprite",
       R"({"f":"png","inter":2000,"pad":0,"margin":0})",
       {"trunc(t/2)", "lt(selected_n\\,36)", "tile=6x6:nb_frames=36:padding=0:margin=0"}},
  };
  run_cases(cases);
}

TEST_CASE("ffmpeg args: audio_convert and hls") {
  const Case cases[] = {
      {"audio_transcode",
       R"({"f":"mp3","ab":192000,"ar":48000,"ac":1,"ss":1000,"t":5000})",
       {"-ss 1.000 -i file:/in/src.mp4 -t 5.000 -vn -sn -dn -c:a libmp3lame", "-b:a 192000",
        "-ar 48000", "-ac 1", "-f mp3"}},
      {"audio_transcode", R"({"f":"mp3","aq":100})", {"-q:a 0"}},
      {"audio_transcode", R"({"f":"oga","aq":50})", {"-c:a libvorbis", "-q:a 5", "-f ogg"}},
      {"audio_transcode", R"({"f":"aac","aq":50})", {"-c:a aac", "-b:a 176000", "-f adts"}},
      {"audio_transcode",
       R"({"f":"flac","adepth":24})",
       {"-c:a flac", "-sample_fmt s32 -bits_per_raw_sample 24"}},
      {"audio_transcode", R"({"f":"flac","adepth":16})", {"-sample_fmt s16"}},
      {"audio_transcode", R"({"f":"opus"})", {"-c:a libopus", "-ar 48000", "-f opus"}},
      {"audio_transcode", R"({"f":"ac3","ab":192000,"abopt":1})", {"-c:a ac3"}, {"-b:a"}},
      {"audio_transcode", R"({"f":"amr"})", {"engine.unsupported"}},
      {"hls_playlist",
       R"({"st":4000,"s":"320x180","vb":500000})",
       {"-c:v libx264", "scale=320:180", "-b:v 500000",
        "-force_key_frames expr:gte(t,n_forced*4.000)", "-c:a aac",
        "-f hls -hls_time 4.000 -hls_playlist_type vod -hls_list_size 0",
        "-hls_segment_filename /o/out_%d.ts /o/out"}},
      {"hls_playlist",
       R"({"vcodec":"h265","an":1,"ss":1000,"t":5000})",
       {"-ss 1.000 -i file:/in/src.mp4 -t 5.000", "-c:v libx265", "-an", "-hls_time 10.000"},
       {"hvc1", "-c:a"}},
  };
  run_cases(cases);
}

TEST_CASE("ffmpeg args: concat in playing order with one filter graph") {
  auto op = tool_op("media_concat",
                    R"({"kind":"video","inputs":[{"key":"b.mp4","position":"sur","ss":500,"t":3000},
                        {"key":"a.mp4","position":"pre"}],"f":"mp4","vcodec":"h264","acodec":"aac"})");
  auto order = omm::local::concat_order(op);
  REQUIRE(order.size() == 3);
  CHECK(order[0].input == 1);   // pre a.mp4
  CHECK(order[1].input == -1);  // the source
  CHECK(order[2].input == 0);   // sur b.mp4
  CHECK(order[2].ss == 500);
  CHECK(order[2].t == 3000);

  MediaSummary small = clip_media();
  small.width = 320;
  small.height = 180;
  MediaSummary silent = clip_media();
  silent.has_audio = false;
  ArgsRequest req;
  req.inputs = {ArgsInput{"/in/a.mp4", small, std::nullopt, std::nullopt},
                ArgsInput{"/in/src.mp4", clip_media(), std::nullopt, std::nullopt},
                ArgsInput{"/in/b.mp4", silent, 500, 3000}};
  req.output = "/o/out.mp4";
  auto argv = omm::local::ffmpeg_args(op, req);
  REQUIRE(argv.ok());
  std::string s = joined(*argv);
  CAPTURE(s);
  CHECK(s.find("-i file:/in/a.mp4 -i file:/in/src.mp4 -ss 0.500 -t 3.000 -i file:/in/b.mp4") !=
        std::string::npos);
  // Scaled to the source's 640x360 at its 25 fps; b has no audio: silence of its 3 s.
  CHECK(s.find("[0:v:0]scale=640:360:force_original_aspect_ratio=decrease,pad=640:360") !=
        std::string::npos);
  CHECK(s.find("fps=25/1,format=yuv420p[v0]") != std::string::npos);
  CHECK(s.find("anullsrc=r=44100:cl=stereo:d=3,") != std::string::npos);
  CHECK(s.find("[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[v][a]") != std::string::npos);
  CHECK(s.find("-map [v] -c:v libx264") != std::string::npos);
  CHECK(s.find("-map [a] -c:a aac") != std::string::npos);
  CHECK(omm::local::expected_output_seconds(op, req.inputs) == doctest::Approx(23.0));

  // align picks the baseline in playing order; s and fps override it.
  auto aligned =
      tool_op("media_concat", R"({"kind":"video","inputs":[{"key":"a.mp4","position":"pre"}],
      "f":"mp4","vcodec":"h264","acodec":"aac","align":0,"fps":30})");
  req.inputs.pop_back();
  argv = omm::local::ffmpeg_args(aligned, req);
  REQUIRE(argv.ok());
  s = joined(*argv);
  CHECK(s.find("scale=320:180:") != std::string::npos);
  CHECK(s.find("fps=30,") != std::string::npos);

  auto audio = tool_op("media_concat", R"({"kind":"audio","inputs":[{"key":"a.mp3"}],"f":"mp3",
      "ab":128000})");
  argv = omm::local::ffmpeg_args(audio, req);
  REQUIRE(argv.ok());
  s = joined(*argv);
  CAPTURE(s);
  CHECK(s.find("[0:a:0]aresample=44100") != std::string::npos);
  CHECK(s.find("concat=n=2:v=0:a=1[a]") != std::string::npos);
  CHECK(s.find("[v]") == std::string::npos);
  CHECK(s.find("-c:a libmp3lame -b:a 128000") != std::string::npos);
}

TEST_CASE("ffmpeg args: names and small helpers") {
  CHECK(omm::local::ms_to_seconds(0) == "0.000");
  CHECK(omm::local::ms_to_seconds(61005) == "61.005");
  CHECK(omm::local::frame_file_name("/o/v/frame", 3, "jpg") == "/o/v/frame_0_3.jpg");
  CHECK(omm::local::frame_pattern("/o/100%/f", "png") == "/o/100%%/f_0_%d.png");
  CHECK(omm::local::hls_segment_pattern("/o/v.1/play.m3u8") == "/o/v.1/play_%d.ts");
  CHECK(omm::local::hls_segment_pattern("/o/v.1/play") == "/o/v.1/play_%d.ts");

  ArgsRequest req;
  req.inputs.push_back(ArgsInput{"/in/a.mp3", MediaSummary{}, std::nullopt, std::nullopt});
  req.inputs.front().media.has_audio = true;
  req.output = "/o/x.jpg";
  auto snap = omm::local::ffmpeg_args(tool_op("video_snapshot", R"({"t":0,"f":"jpg"})"), req);
  CHECK(snap.status().id() == "engine.decode");
  auto info = omm::local::ffmpeg_args(tool_op("media_info", R"({"kind":"video"})"), req);
  CHECK(info.status().id() == "engine.unsupported");
}

TEST_CASE("ffmpeg args: no demuxer that reads other files is on the input list") {
  std::string list(omm::core::kInputDemuxers);
  list = "," + list + ",";
  for (const char* bad : {"hls", "concat", "dash", "webm_dash_manifest", "image2", "imf", "lavfi",
                          "sdp", "rtp", "rtsp", "tee", "ffmetadata"}) {
    CAPTURE(bad);
    CHECK(list.find(std::string(",") + bad + ",") == std::string::npos);
  }
}

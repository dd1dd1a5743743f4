// FfmpegRunner and media_probe: real ffmpeg runs on 1 s clips made in the test; every output is
// checked with ffprobe itself (dimensions, codecs, durations, frame counts, audio format).
#include "local/ffmpeg_runner.h"

#include <dirent.h>
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "ffmpeg_test_util.h"
#include "local/ffmpeg_args.h"

using omm::local::CancelToken;
using omm::local::FfmpegConfig;
using omm::local::FfmpegRunner;
using omm::local::MediaJob;
using omm::local::test::duration_of;
using omm::local::test::ffprobe;
using omm::local::test::make_clip;
using omm::local::test::ScratchDir;
using omm::local::test::stream_of;
using omm::local::test::tool_op;

namespace fs = std::filesystem;

namespace {

// One scratch directory with the 1 s clip `in.mp4` for every test case.
struct Fixture {
  ScratchDir dir;
  std::string clip = dir / "in.mp4";
  Fixture() { make_clip(clip); }

  omm::Result<omm::local::MediaResult> run(std::string_view tool, std::string_view args,
                                           const std::string& output,
                                           std::vector<std::string> inputs = {}) const {
    MediaJob job{tool_op(tool, args), clip, "in.mp4", std::move(inputs), output};
    return FfmpegRunner().run(job);
  }
};

// Names in `dir` that a job left behind while writing.
std::vector<std::string> partial_files(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().rfind(".omm-part-", 0) == 0) found.push_back(e.path());
  }
  return found;
}

// ffmpeg processes whose command line mentions `needle`.
int processes_mentioning(const std::string& needle) {
  int count = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::ifstream f(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos && cmdline.rfind("ffmpeg", 0) == 0) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: video_convert re-encodes and remuxes") {
  auto r = run("video_transcode",
               R"({"f":"mp4","vcodec":"h264","s":"128x96","fps":5,"acodec":"mp3","ar":22050})",
               dir / "out/small.mp4");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  REQUIRE(r->files == std::vector<std::string>{dir / "out/small.mp4"});
  auto p = ffprobe(dir / "out/small.mp4");
  const auto* v = stream_of(p, "video");
  const auto* a = stream_of(p, "audio");
  REQUIRE(v != nullptr);
  REQUIRE(a != nullptr);
  CHECK((*v)["codec_name"] == "h264");
  CHECK((*v)["width"] == 128);
  CHECK((*v)["height"] == 96);
  CHECK((*v)["nb_read_frames"] == "5");
  CHECK((*a)["codec_name"] == "mp3");
  CHECK((*a)["sample_rate"] == "22050");
  CHECK(duration_of(p) == doctest::Approx(1.0).epsilon(0.15));
  CHECK(r->metadata["width"] == 128);
  CHECK(r->metadata["video_codec"] == "h264");
  CHECK(r->metadata["audio_codec"] == "mp3");
  CHECK(partial_files(dir.path()).empty());

  auto remux = run("video_transcode", R"({"f":"mkv"})", dir / "out/copy.mkv");
  REQUIRE_MESSAGE(remux.ok(), remux.status().to_string());
  p = ffprobe(dir / "out/copy.mkv");
  CHECK(p["format"]["format_name"].get<std::string>().find("matroska") == 0);
  CHECK((*stream_of(p, "video"))["codec_name"] == "h264");
  CHECK((*stream_of(p, "video"))["nb_read_frames"] == "10");
  CHECK((*stream_of(p, "audio"))["codec_name"] == "aac");

  auto cut = run("video_transcode", R"({"f":"mp4","vcodec":"h264","ss":200,"t":500,"an":1})",
                 dir / "out/cut.mp4");
  REQUIRE_MESSAGE(cut.ok(), cut.status().to_string());
  p = ffprobe(dir / "out/cut.mp4");
  CHECK(stream_of(p, "audio") == nullptr);
  CHECK((*stream_of(p, "video"))["nb_read_frames"] == "5");
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: video_snapshot exact, fast and past the end") {
  struct Case {
    const char* args;
    const char* file;
    int width;
    int height;
    const char* codec;
  } cases[] = {
      {R"({"t":0,"f":"jpg"})", "first.jpg", 160, 120, "mjpeg"},
      {R"({"t":500,"f":"png","w":80})", "half.png", 80, 60, "png"},
      {R"({"t":700,"f":"jpg","m":"fast","h":60})", "fast.jpg", 80, 60, "mjpeg"},
      {R"({"t":900,"f":"jpg","w":64,"h":64})", "stretch.jpg", 64, 64, "mjpeg"},
      {R"({"t":60000,"f":"jpg"})", "last.jpg", 160, 120, "mjpeg"},
      {R"({"t":60000,"f":"jpg","m":"fast"})", "lastkey.jpg", 160, 120, "mjpeg"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    auto r = run("video_snapshot", c.args, dir / c.file);
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    auto p = ffprobe(dir / c.file);
    const auto* v = stream_of(p, "video");
    REQUIRE(v != nullptr);
    CHECK((*v)["codec_name"] == c.codec);
    CHECK((*v)["width"] == c.width);
    CHECK((*v)["height"] == c.height);
    CHECK(r->metadata["width"] == c.width);
  }
  CHECK(partial_files(dir.path()).empty());
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: animation, snapshots and sprite") {
  auto gif = run("video_animation", R"({"f":"gif","inter":200,"num":4,"w":80})", dir / "a.gif");
  REQUIRE_MESSAGE(gif.ok(), gif.status().to_string());
  auto p = ffprobe(dir / "a.gif");
  CHECK((*stream_of(p, "video"))["codec_name"] == "gif");
  CHECK((*stream_of(p, "video"))["width"] == 80);
  CHECK((*stream_of(p, "video"))["height"] == 60);
  CHECK((*stream_of(p, "video"))["nb_read_frames"] == "4");

  auto frames =
      run("video_frames", R"({"f":"jpg","inter":250,"num":3,"w":80,"h":60})", dir / "frames/f");
  REQUIRE_MESSAGE(frames.ok(), frames.status().to_string());
  REQUIRE(frames->files.size() == 3);
  for (int n = 1; n <= 3; ++n) {
    std::string file = dir / ("frames/f_0_" + std::to_string(n) + ".jpg");
    CHECK(frames->files[n - 1] == file);
    p = ffprobe(file);
    CHECK((*stream_of(p, "video"))["width"] == 80);
    CHECK((*stream_of(p, "video"))["height"] == 60);
  }
  CHECK(frames->metadata["files"] == 3);
  CHECK_FALSE(fs::exists(dir / "frames/f_0_4.jpg"));

  // num alone spreads frames evenly over the clip.
  auto spread = run("video_frames", R"({"f":"png","num":4})", dir / "spread/f");
  REQUIRE_MESSAGE(spread.ok(), spread.status().to_string());
  CHECK(spread->files.size() == 4);

  // 3x2 tiles of 48x36, pad 2, margin 2: 2*2 + 3*48 + 2*2 = 152 by 2*2 + 2*36 + 1*2 = 78.
  auto sprite =
      run("video_sprite", R"({"f":"jpg","sw":48,"sh":36,"tw":3,"th":2,"num":6,"pad":2,"margin":2})",
          dir / "sprite.jpg");
  REQUIRE_MESSAGE(sprite.ok(), sprite.status().to_string());
  p = ffprobe(dir / "sprite.jpg");
  CHECK((*stream_of(p, "video"))["width"] == 152);
  CHECK((*stream_of(p, "video"))["height"] == 78);

  // Animated WebP: ffprobe sees 0x0; the result metadata reads the VP8X canvas instead.
  auto webp = run("video_animation", R"({"f":"webp","inter":250,"num":3,"w":80})", dir / "a.webp");
  REQUIRE_MESSAGE(webp.ok(), webp.status().to_string());
  CHECK(webp->metadata["width"] == 80);
  CHECK(webp->metadata["height"] == 60);

  // A start past the end is only known from the media.
  auto late = run("video_frames", R"({"f":"jpg","ss":5000,"num":2})", dir / "late/f");
  CHECK(late.status().id() == "invalid_argument.video_frames.ss");
  CHECK(partial_files(dir.path()).empty());
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: concat checks its inputs and joins them") {
  make_clip(dir / "b.mp4");
  auto r = run("media_concat",
               R"({"kind":"video","inputs":[{"key":"b.mp4"}],"f":"mp4","vcodec":"h264",
                   "acodec":"aac"})",
               dir / "ab.mp4", {dir / "b.mp4"});
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  auto p = ffprobe(dir / "ab.mp4");
  CHECK(duration_of(p) == doctest::Approx(2.0).epsilon(0.1));
  CHECK((*stream_of(p, "video"))["nb_read_frames"] == "20");
  CHECK((*stream_of(p, "video"))["width"] == 160);
  CHECK((*stream_of(p, "audio"))["codec_name"] == "aac");
  CHECK_FALSE(r->data.contains("validation_warnings"));

  // A different resolution is an error naming each input, unless s fixes it.
  make_clip(dir / "big.mp4", "320x240");
  const char* args = R"({"kind":"video","inputs":[{"key":"v/big.mp4","position":"pre","t":500}],
                         "f":"mp4","vcodec":"h264","acodec":"aac"})";
  auto refused = run("media_concat", args, dir / "refused.mp4", {dir / "big.mp4"});
  CHECK(refused.status().id() == "invalid_argument.media_concat.inputs");
  CHECK(refused.status().message().find("resolution differs: v/big.mp4=320x240, in.mp4=160x120") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(dir / "refused.mp4"));

  auto fixed = run("media_concat",
                   R"({"kind":"video","inputs":[{"key":"v/big.mp4","position":"pre","t":500}],
                       "f":"mp4","vcodec":"h264","acodec":"aac","s":"320x240"})",
                   dir / "fixed.mp4", {dir / "big.mp4"});
  REQUIRE_MESSAGE(fixed.ok(), fixed.status().to_string());
  CHECK(fixed->data["validation_warnings"].size() == 1);
  p = ffprobe(dir / "fixed.mp4");
  CHECK((*stream_of(p, "video"))["width"] == 320);
  CHECK((*stream_of(p, "video"))["height"] == 240);
  CHECK(duration_of(p) == doctest::Approx(1.5).epsilon(0.1));

  auto audio = run("media_concat", R"({"kind":"audio","inputs":[{"key":"b.mp4"}],"f":"mp3"})",
                   dir / "ab.mp3", {dir / "b.mp4"});
  REQUIRE_MESSAGE(audio.ok(), audio.status().to_string());
  p = ffprobe(dir / "ab.mp3");
  CHECK(stream_of(p, "video") == nullptr);
  CHECK((*stream_of(p, "audio"))["codec_name"] == "mp3");
  CHECK(duration_of(p) == doctest::Approx(2.0).epsilon(0.1));
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: audio_convert") {
  struct Case {
    const char* args;
    const char* file;
    const char* codec;
    const char* rate;
    int channels;
  } cases[] = {
      {R"({"f":"mp3","ar":22050,"ac":2,"ab":64000})", "a.mp3", "mp3", "22050", 2},
      {R"({"f":"aac","ab":64000})", "a.aac", "aac", "44100", 1},
      {R"({"f":"flac","adepth":16,"ss":500})", "a.flac", "flac", "44100", 1},
      {R"({"f":"opus"})", "a.opus", "opus", "48000", 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    auto r = run("audio_transcode", c.args, dir / c.file);
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    auto p = ffprobe(dir / c.file);
    CHECK(stream_of(p, "video") == nullptr);
    const auto* a = stream_of(p, "audio");
    REQUIRE(a != nullptr);
    CHECK((*a)["codec_name"] == c.codec);
    CHECK((*a)["sample_rate"] == c.rate);
    CHECK((*a)["channels"] == c.channels);
    CHECK(r->metadata["audio_codec"] == c.codec);
  }
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: hls writes a playlist and its segments") {
  auto r = run("hls_playlist", R"({"st":400,"s":"128x96"})", dir / "hls/play.m3u8");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  REQUIRE(r->files.size() >= 3);
  CHECK(r->files.front() == dir / "hls/play.m3u8");
  std::ifstream f(dir / "hls/play.m3u8");
  std::string playlist((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD") != std::string::npos);
  CHECK(playlist.find("\nplay_0.ts") != std::string::npos);
  CHECK(playlist.find("#EXT-X-ENDLIST") != std::string::npos);
  for (std::size_t i = 1; i < r->files.size(); ++i) CHECK(fs::file_size(r->files[i]) > 0);
  auto p = ffprobe(dir / "hls/play.m3u8");
  CHECK(p["format"]["format_name"] == "hls");
  CHECK((*stream_of(p, "video"))["width"] == 128);
  CHECK((*stream_of(p, "audio"))["codec_name"] == "aac");
  CHECK(duration_of(p) == doctest::Approx(1.0).epsilon(0.2));
  CHECK(partial_files(dir.path()).empty());
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: media info in OSS's shape") {
  auto r = run("media_info", R"({"kind":"video"})", "");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  const auto& info = r->data;
  CHECK(info["Format"]["FormatName"] == "mov,mp4,m4a,3gp,3g2,mj2");
  CHECK(std::stod(info["Format"]["Duration"].get<std::string>()) ==
        doctest::Approx(1.0).epsilon(0.1));
  CHECK(info["Format"]["NumberOfStreams"] == 2);
  CHECK(std::stoll(info["Format"]["Size"].get<std::string>()) ==
        static_cast<long long>(fs::file_size(clip)));
  const auto& v = info["Streams"]["VideoStream"].at(0);
  CHECK(v["Index"] == 0);
  CHECK(v["CodecName"] == "h264");
  CHECK(v["Width"] == 160);
  CHECK(v["Height"] == 120);
  CHECK(v["FrameRate"] == "10/1");
  CHECK(v["PixelFormat"] == "yuv420p");
  CHECK_FALSE(v.contains("Rotate"));
  const auto& a = info["Streams"]["AudioStream"].at(0);
  CHECK(a["CodecName"] == "aac");
  CHECK(a["SampleRate"] == "44100");
  CHECK(a["Channels"] == 1);
  CHECK(r->metadata["fps"] == 10.0);
  CHECK(r->metadata["sample_rate"] == 44100);

  auto audio = run("media_info", R"({"kind":"audio"})", "");
  REQUIRE(audio.ok());
  CHECK_FALSE(audio->data["Streams"].contains("VideoStream"));
  CHECK(audio->data["Streams"]["AudioStream"].size() == 1);
}

TEST_CASE("media probe: the canvas of an extended WebP") {
  using omm::local::webp_canvas;
  // RIFF size WEBP VP8X size(10) flags reserved width-1 (24-bit LE) height-1 (24-bit LE)
  std::string head(
      "RIFF\x40\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x12\x00\x00\x00"
      "\x3f\x01\x00\xef\x00\x00",
      30);
  CHECK(webp_canvas(head) == std::pair<int, int>(320, 240));
  CHECK(webp_canvas(head.substr(0, 29)) == std::pair<int, int>(0, 0));
  std::string lossy = head;
  lossy.replace(12, 4, "VP8 ");
  CHECK(webp_canvas(lossy) == std::pair<int, int>(0, 0));
  CHECK(webp_canvas(std::string(30, '\0')) == std::pair<int, int>(0, 0));
}

TEST_CASE("media probe: rotation, summaries and the concat comparison") {
  auto probe = nlohmann::json::parse(R"({
    "format":{"duration":"2.5","size":"1000","format_name":"mov,mp4","bit_rate":"3200","nb_streams":2},
    "streams":[{"index":0,"codec_type":"video","codec_name":"hevc","width":1920,"height":1080,
                "r_frame_rate":"30000/1001","pix_fmt":"yuv420p","bit_rate":"3000",
                "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},
               {"index":1,"codec_type":"video","codec_name":"mjpeg","width":300,"height":300,
                "r_frame_rate":"90000/1","disposition":{"attached_pic":1}}]})");
  auto m = omm::local::summarize(probe);
  CHECK(m.has_video);
  CHECK_FALSE(m.has_audio);
  CHECK(m.rotate == 90);
  CHECK(m.fps == doctest::Approx(29.97));
  CHECK(m.width == 1920);
  auto info = omm::local::oss_info(probe);
  CHECK(info["Streams"]["VideoStream"][0]["Rotate"] == "90");
  // The oss backend reads OSS's info shape back into a summary (its concat comparison).
  auto back = omm::local::summarize_oss_info(info);
  CHECK(back.has_video == m.has_video);
  CHECK(back.width == m.width);
  CHECK(back.height == m.height);
  CHECK(back.video_codec == m.video_codec);
  CHECK(back.frame_rate == m.frame_rate);
  CHECK(back.rotate == m.rotate);
  CHECK(back.duration == doctest::Approx(m.duration));
  CHECK(back.has_audio == m.has_audio);
  CHECK(omm::local::summarize_oss_info(nlohmann::json::object()).has_video == false);
  CHECK(info["Streams"]["VideoStream"].size() == 2);
  CHECK(info["Streams"]["AudioStream"].empty());

  omm::local::MediaSummary a = m;
  omm::local::MediaSummary b = m;
  b.width = 1280;
  b.height = 720;
  b.has_audio = true;
  b.audio_codec = "aac";
  b.sample_rate = 48000;
  b.channels = 2;
  std::vector<omm::local::MediaSummary> both = {a, b};
  auto diffs = omm::core::compare_concat_inputs(both, false);
  REQUIRE(diffs.size() == 2);
  CHECK(diffs[0].property == "resolution");
  CHECK(diffs[0].param == "s");
  CHECK(diffs[0].values == std::vector<std::string>{"1920x1080", "1280x720"});
  CHECK(diffs[1].property == "has_audio");
  CHECK(omm::core::compare_concat_inputs(both, true).size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: unreadable inputs are engine.decode") {
  std::ofstream(dir / "empty.mp4").close();
  std::ofstream(dir / "text.mp4") << "this is not a video\n";
  for (const char* name : {"empty.mp4", "text.mp4", "missing.mp4"}) {
    CAPTURE(name);
    MediaJob job{
        tool_op("video_snapshot", R"({"t":0,"f":"jpg"})"), dir / name, name, {}, dir / "x.jpg"};
    auto r = FfmpegRunner().run(job);
    CHECK(r.status().id() == "engine.decode");
    CHECK(r.status().message().find(name) == 0);
  }
  CHECK_FALSE(fs::exists(dir / "x.jpg"));
  MediaJob missing_program{
      tool_op("video_snapshot", R"({"t":0,"f":"jpg"})"), clip, "in.mp4", {}, dir / "x.jpg"};
  auto r = FfmpegRunner(FfmpegConfig{.ffprobe = "/nonexistent/ffprobe"}).run(missing_program);
  CHECK(r.status().id() == "engine.spawn");
}

// A 10-hour video made of 60 frames (one every 10 minutes): cheap to make, endless to convert
// to 25 fps.
TEST_CASE("ffmpeg runner: time limit and cancellation end a long job without leftovers") {
  ScratchDir dir;
  omm::local::test::run_tool({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                              "-f", "lavfi", "-i", "color=c=black:s=64x64:r=1/600:d=36000", "-c:v",
                              "libx264", "-pix_fmt", "yuv420p", dir / "long.mp4"});
  const std::string out = dir / "out/long.mp4";
  MediaJob job{tool_op("video_transcode", R"({"f":"mp4","vcodec":"h264","fps":25})"),
               dir / "long.mp4",
               "long.mp4",
               {},
               out};

  FfmpegConfig limited;
  limited.time_limit = std::chrono::milliseconds(1500);
  auto start = std::chrono::steady_clock::now();
  auto r = FfmpegRunner(limited).run(job);
  CHECK(r.status().id() == "engine.timeout");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK_FALSE(fs::exists(out));
  CHECK(partial_files(dir.path()).empty());
  CHECK(processes_mentioning(dir.path()) == 0);

  CancelToken token;
  std::atomic<double> seen{-1};
  std::thread canceller([&] {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (seen.load() <= 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(processes_mentioning(dir.path()) == 1);
    token.cancel();
  });
  r = FfmpegRunner().run(
      job, [&](double f) { seen = std::max(seen.load(), f); }, &token);
  canceller.join();
  CHECK(r.status().id() == "cancelled");
  CHECK(seen.load() > 0);
  CHECK(seen.load() < 0.5);
  CHECK_FALSE(fs::exists(out));
  CHECK(partial_files(dir.path()).empty());
  CHECK(processes_mentioning(dir.path()) == 0);

  // A token cancelled beforehand stops the job before anything runs.
  r = FfmpegRunner().run(job, {}, &token);
  CHECK(r.status().id() == "cancelled");
}

TEST_CASE("child process: lines, stderr tail, exit status, deadline and kill") {
  using omm::local::ChildProcess;
  auto sh = [](const char* script) {
    auto c = ChildProcess::spawn({"sh", "-c", script});
    REQUIRE(c.ok());
    return std::move(*c);
  };
  std::vector<std::string> lines;
  auto c = sh("printf 'a\\nb\\r\\nlast'; echo oops >&2; echo 'final words' >&2; exit 3");
  auto exit = c->wait([&](std::string_view l) { lines.emplace_back(l); });
  CHECK(lines == std::vector<std::string>{"a", "b", "last"});
  CHECK(exit.exited);
  CHECK(exit.code == 3);
  CHECK_FALSE(exit.success());
  CHECK(c->stderr_summary() == "oops; final words");

  // stdin is /dev/null: a reader sees end of input at once.
  c = sh("cat; exit 0");
  CHECK(c->wait({}).success());

  // Only the tail of a long stderr is kept.
  auto big = ChildProcess::spawn(
      {"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; echo >&2; echo end >&2"},
      omm::local::ChildOptions{.stderr_tail_bytes = 1000});
  REQUIRE(big.ok());
  CHECK((*big)->wait({}).success());
  CHECK((*big)->stderr_tail().size() == 1000);
  CHECK((*big)->stderr_summary(1) == "end");

  auto start = std::chrono::steady_clock::now();
  c = sh("sleep 30 & sleep 30; wait");
  exit = c->wait({}, ChildProcess::Clock::now() + std::chrono::milliseconds(200));
  CHECK(exit.timed_out);
  CHECK(exit.signal == SIGKILL);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

  c = sh("sleep 30");
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c->kill();
  });
  exit = c->wait({});
  killer.join();
  CHECK(exit.killed);
  CHECK_FALSE(exit.timed_out);
  c->kill();  // after reaping: a no-op

  auto missing = ChildProcess::spawn({"/nonexistent/program"});
  CHECK(missing.status().id() == "engine.spawn");
}

// Bad media and limits (docs/local-backend.md "Bad media and limits"): images are not media,
// ffmpeg writing nothing is an error, a job longer than max_duration is refused from the probe,
// a snapshot past the end of a sparse video finds its last frame, a killed ffmpeg is a crash.
TEST_CASE_FIXTURE(Fixture, "ffmpeg runner: bad media and the duration limit") {
  omm::local::test::run_tool({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                              "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=1/60:d=36000", "-c:v",
                              "libx264", "-pix_fmt", "yuv420p", dir / "long.mp4"});
  omm::local::test::run_tool({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                              "-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1",
                              dir / "still.png"});
  FfmpegConfig limited;
  limited.max_duration = std::chrono::hours(4);
  auto job = [&](std::string_view tool, std::string_view args, const std::string& source,
                 const std::string& output) {
    return MediaJob{tool_op(tool, args), dir / source, source, {}, dir / output};
  };

  // 10 hours against a 4-hour limit: refused at once, before ffmpeg runs.
  auto start = std::chrono::steady_clock::now();
  auto r = FfmpegRunner(limited).run(
      job("video_transcode", R"({"f":"mp4","vcodec":"h264","fps":25})", "long.mp4", "out/a.mp4"));
  CHECK(r.status().id() == "engine.limit.duration");
  CHECK(r.status().message() ==
        "video_convert would read 10:00:00 of media (36000 s), over the limit of 4:00:00 "
        "(14400 s, --max-duration); process a part (ss and t, or num and inter) or raise the "
        "limit");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  r = FfmpegRunner(limited).run(
      job("video_frames", R"({"f":"jpg","inter":1000})", "long.mp4", "frames/f"));
  CHECK(r.status().id() == "engine.limit.duration");
  // A part of it is fine: three frames ten minutes apart; so is a snapshot.
  r = FfmpegRunner(limited).run(
      job("video_frames", R"({"f":"jpg","inter":600000,"num":3})", "long.mp4", "frames/f"));
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(r->files.size() == 3);
  CHECK(FfmpegRunner(limited)
            .run(job("video_animation", R"({"f":"gif","num":5})", "long.mp4", "a.gif"))
            .ok());  // 5 frames at one a minute: 5 minutes of media

  // Past the end of a one-frame-a-minute video: the last frame, also in fast mode, with a warning.
  for (const char* args :
       {R"({"t":39600000,"f":"png"})", R"({"t":39600000,"f":"png","m":"fast"})"}) {
    CAPTURE(args);
    r = FfmpegRunner(limited).run(job("video_snapshot", args, "long.mp4", "last.png"));
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK((*stream_of(ffprobe(dir / "last.png"), "video"))["width"] == 64);
    CHECK(r->data["validation_warnings"] ==
          nlohmann::json::array({"t=39600000 ms is past the end of the video (36000000 ms); the "
                                 "last frame was returned"}));
  }
  r = FfmpegRunner(limited).run(
      job("video_snapshot", R"({"t":18000000,"f":"png"})", "long.mp4", "mid.png"));
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK_FALSE(r->data.contains("validation_warnings"));

  // An image is not media; a range with nothing in it writes nothing.
  r = FfmpegRunner().run(
      job("video_transcode", R"({"f":"mp4","vcodec":"h264"})", "still.png", "out/b.mp4"));
  CHECK(r.status().id() == "engine.decode");
  CHECK(r.status().message() ==
        "still.png: a png image, not a video or audio file (images go to image_inspect and "
        "image_process)");
  r = FfmpegRunner().run(job("media_info", R"({"kind":"video"})", "still.png", ""));
  CHECK(r.status().id() == "engine.decode");
  r = FfmpegRunner().run(job("video_transcode", R"({"f":"mp4","vcodec":"h264","ss":0,"t":500})",
                             "in.mp4", "out/ok.mp4"));
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  r = FfmpegRunner().run(
      job("video_transcode", R"({"f":"mp4","vcodec":"h264","ss":30000})", "in.mp4", "out/c.mp4"));
  CHECK(r.status().id() == "engine.decode");
  CHECK(r.status().message() ==
        "in.mp4: nothing could be decoded from the input in the requested range; ffmpeg wrote no "
        "media");
  CHECK_FALSE(fs::exists(dir / "out/b.mp4"));
  CHECK_FALSE(fs::exists(dir / "out/c.mp4"));
  CHECK(partial_files(dir.path()).empty());
}

TEST_CASE("ffmpeg runner: an ffmpeg killed from outside is engine.crashed") {
  ScratchDir dir;
  omm::local::test::run_tool({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                              "-f", "lavfi", "-i", "color=c=black:s=64x64:r=1/600:d=36000", "-c:v",
                              "libx264", "-pix_fmt", "yuv420p", dir / "long.mp4"});
  const std::string out = dir / "out/long.mp4";
  MediaJob job{tool_op("video_transcode", R"({"f":"mp4","vcodec":"h264","fps":25})"),
               dir / "long.mp4",
               "long.mp4",
               {},
               out};
  std::atomic<bool> started{false};
  std::thread killer([&] {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!started.load() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (const auto& e : fs::directory_iterator("/proc")) {
      std::ifstream f(e.path() / "cmdline");
      std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      if (cmdline.rfind("ffmpeg", 0) == 0 && cmdline.find(dir.path()) != std::string::npos) {
        ::kill(std::stoi(e.path().filename().string()), SIGKILL);
      }
    }
  });
  auto r = FfmpegRunner().run(job, [&](double f) { started = started || f > 0; });
  killer.join();
  CHECK(r.status().id() == "engine.crashed");
  CHECK(r.status().message().rfind(
            "ffmpeg was killed by signal 9 (Killed); the job failed and its partial output was "
            "removed",
            0) == 0);
  CHECK_FALSE(fs::exists(out));
  CHECK(partial_files(dir.path()).empty());
}

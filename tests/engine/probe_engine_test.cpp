// oss-media-engine-probe against ffprobe: on media made here with the ffmpeg program, what the
// product reads from a probe — media_probe's summary (result metadata, ffmpeg arguments, the
// concat comparison) and OSS's info shape — is the same whether the answer comes from the warm
// worker or from an ffprobe child. Errors carry ffprobe's wording (less the context addresses).
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "../local/ffmpeg_test_util.h"
#include "engine/worker_client.h"
#include "local/media_probe.h"

namespace {

using nlohmann::json;
using omm::local::test::run_tool;
using omm::local::test::ScratchDir;
using omm::test::WorkerClient;

const char* kEngine = OMM_BUILD_ROOT "/src/engine/probe/oss-media-engine-probe";

void make(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ffmpeg", "-v", "error", "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  run_tool(argv);
}

// The display matrix of the first track header (tkhd, version 0) set to a 90° clockwise turn —
// FFmpeg 5.1's muxer no longer takes a rotate tag, so the test writes the matrix itself.
void rotate_mp4(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t at = bytes.find("tkhd");
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes[at + 4] == 0);                 // version 0
  size_t matrix = at + 4 + 4 + 4 * 5 + 8 + 8;  // flags, 5 fields, reserved, layer..reserved
  const std::int32_t m[9] = {0, 65536, 0, -65536, 0, 0, 0, 0, 0x40000000};
  for (int i = 0; i < 9; ++i) {
    auto v = static_cast<std::uint32_t>(m[i]);
    for (int b = 0; b < 4; ++b) bytes[matrix + 4 * i + b] = static_cast<char>(v >> (24 - 8 * b));
  }
  f.seekp(0);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

omm::local::ProbeEngine engine_of(WorkerClient& worker) {
  return [&worker](const std::string& path) -> omm::Result<json> {
    json r = worker.call({{"input", path}});
    if (!r.value("ok", false)) {
      return omm::Status::error(r["error"]["id"].get<std::string>(),
                                r["error"]["message"].get<std::string>());
    }
    return r["data"];
  };
}

}  // namespace

TEST_CASE("probe engine: the same summary and info as ffprobe") {
  ScratchDir dir;
  make({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1", "-f", "lavfi", "-i",
        "sine=frequency=440:duration=1", "-c:v", "libx264", "-c:a", "aac", "-shortest",
        dir / "av.mp4"});
  make({"-f", "lavfi", "-i", "testsrc2=size=176x144:rate=30000/1001:duration=1", "-c:v",
        "libvpx-vp9", "-deadline", "realtime", dir / "v.webm"});
  make({"-f", "lavfi", "-i", "sine=duration=1", "-ac", "2", "-ar", "22050", dir / "a.mp3"});
  make({"-f", "lavfi", "-i", "sine=duration=1", dir / "a.wav"});
  make({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", dir / "anim.gif"});
  make({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-loop", "0",
        dir / "anim.webp"});
  make({"-f", "lavfi", "-i", "testsrc2=size=80x60", "-frames:v", "1", dir / "still.png"});
  make({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1", "-c:v", "libx264",
        dir / "rot.mp4"});
  rotate_mp4(dir / "rot.mp4");

  WorkerClient worker(kEngine, {});
  omm::local::ProbeOptions via_engine;
  via_engine.engine = engine_of(worker);
  for (const char* name :
       {"av.mp4", "v.webm", "a.mp3", "a.wav", "anim.gif", "anim.webp", "still.png", "rot.mp4"}) {
    CAPTURE(name);
    auto ours = omm::local::probe_media(dir / name, via_engine);
    auto theirs = omm::local::probe_media(dir / name);
    REQUIRE_MESSAGE(ours.ok(), ours.status().to_string());
    REQUIRE_MESSAGE(theirs.ok(), theirs.status().to_string());
    CHECK(omm::local::metadata_json(ours->summary) == omm::local::metadata_json(theirs->summary));
    CHECK(omm::local::oss_info(ours->ffprobe) == omm::local::oss_info(theirs->ffprobe));
    CHECK(ours->summary.pixel_format == theirs->summary.pixel_format);
    CHECK(ours->summary.bit_rate == theirs->summary.bit_rate);
    CHECK(ours->summary.has_audio == theirs->summary.has_audio);
  }
  auto rot = omm::local::probe_media(dir / "rot.mp4", via_engine);
  REQUIRE(rot.ok());
  CHECK(rot->summary.rotate == 90);  // the fixture really is rotated
  auto webp = omm::local::probe_media(dir / "anim.webp", via_engine);
  REQUIRE(webp.ok());
  CHECK(webp->summary.width == 64);  // from the VP8X header, as with ffprobe
}

TEST_CASE("probe engine: unreadable files fail as with ffprobe, and the worker goes on") {
  ScratchDir dir;
  { std::ofstream(dir / "text.mp4") << "not a video\n"; }
  { std::ofstream(dir / "empty.wav"); }
  WorkerClient worker(kEngine, {});
  omm::local::ProbeOptions via_engine;
  via_engine.engine = engine_of(worker);
  for (const char* name : {"text.mp4", "empty.wav", "missing.mp4"}) {
    CAPTURE(name);
    auto ours = omm::local::probe_media(dir / name, via_engine);
    auto theirs = omm::local::probe_media(dir / name);
    REQUIRE_FALSE(ours.ok());
    REQUIRE_FALSE(theirs.ok());
    CHECK(ours.status().id() == "engine.decode");
    CHECK(ours.status().id() == theirs.status().id());
    // ffprobe's stderr names the demuxer context with its address: "[mov,… @ 0x55…] moov atom…".
    std::string expected =
        std::regex_replace(theirs.status().message(), std::regex(" @ 0x[0-9a-f]+\\]"), "]");
    CHECK(ours.status().message() == expected);
  }
  json bad = worker.call({{"input", 42}});
  CHECK_FALSE(bad.value("ok", true));
  CHECK(bad["error"]["id"] == "engine.decode");
  make({"-f", "lavfi", "-i", "sine=duration=1", dir / "ok.wav"});
  CHECK(omm::local::probe_media(dir / "ok.wav", via_engine).ok());
}

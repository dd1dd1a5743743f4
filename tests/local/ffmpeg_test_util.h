// Helpers for the FFmpeg runner tests: operations built through the real tool-call path, a
// scratch directory, and media made and checked with the ffmpeg / ffprobe programs directly
// (independently of media_probe).
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan_from_tool.h"
#include "local/child_process.h"

namespace omm::local::test {

// The operation of a tool call; `args` holds the operation parameters only — source and output
// are added as each tool requires.
inline core::Operation tool_op(std::string_view tool, std::string_view args) {
  nlohmann::json j = nlohmann::json::parse(args, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  j["source"] = {{"key", "in/src.mp4"}};
  if (tool == "video_snapshot" || tool == "hls_playlist") {
    j["output"] = {{"mode", "url"}};
  } else if (tool == "video_frames") {
    j["output"] = {{"mode", "save"}, {"target_key", "out/frame"}};
  } else if (tool != "media_info") {
    j["output"] = {{"mode", "save"}, {"target_key", "out/result"}};
  }
  auto plan = core::plan_from_tool(tool, j);
  REQUIRE_MESSAGE(plan.ok(), plan.status().to_string());
  return plan->operations.front();
}

class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/omm-ffmpeg-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a program to completion; returns its stdout (empty and a failed CHECK on error).
inline std::string run_tool(const std::vector<std::string>& argv) {
  auto child = ChildProcess::spawn(argv);
  REQUIRE(child.ok());
  std::string out;
  ChildExit exit = (*child)->wait([&](std::string_view l) { out.append(l).push_back('\n'); },
                                  ChildProcess::Clock::now() + std::chrono::seconds(60));
  INFO((*child)->stderr_tail());
  CHECK(exit.success());
  return out;
}

// ffprobe's own view of a file, frames counted.
inline nlohmann::json ffprobe(const std::string& path) {
  std::string out = run_tool({"ffprobe", "-v", "error", "-count_frames", "-print_format", "json",
                              "-show_format", "-show_streams", path});
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

inline const nlohmann::json* stream_of(const nlohmann::json& probe, std::string_view type) {
  for (const auto& s : probe["streams"]) {
    if (s.value("codec_type", "") == type) return &s;
  }
  return nullptr;
}

inline double duration_of(const nlohmann::json& probe) {
  return std::stod(probe["format"].value("duration", "0"));
}

// A 1 s clip: testsrc2 160x120 at 10 fps (h264) with a 440 Hz sine (aac, 44.1 kHz mono).
inline void make_clip(const std::string& path, std::string_view size = "160x120") {
  run_tool({"ffmpeg",       "-nostdin",
            "-hide_banner", "-loglevel",
            "error",        "-y",
            "-f",           "lavfi",
            "-i",           "testsrc2=size=" + std::string(size) + ":rate=10:duration=1",
            "-f",           "lavfi",
            "-i",           "sine=frequency=440:duration=1",
            "-c:v",         "libx264",
            "-pix_fmt",     "yuv420p",
            "-g",           "5",
            "-c:a",         "aac",
            "-shortest",    path});
}

}  // namespace omm::local::test

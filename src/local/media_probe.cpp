#include "local/media_probe.h"

#include <spdlog/fmt/fmt.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/input_formats.h"
#include "local/child_process.h"

namespace omm::local {

using nlohmann::json;

namespace {

Result<json> run_ffprobe(const std::string& path, const ProbeOptions& options) {
  // "file:" keeps a name that starts with '-' or contains ':' from reading as an option or a
  // protocol.
  // One file only: no demuxer that opens other files (core/input_formats.h).
  std::vector<std::string> argv = {options.ffprobe,
                                   "-v",
                                   "error",
                                   "-protocol_whitelist",
                                   "file",
                                   "-format_whitelist",
                                   std::string(core::kProbeDemuxers),
                                   "-pattern_type",
                                   "none",
                                   "-print_format",
                                   "json",
                                   "-show_format",
                                   "-show_streams",
                                   "file:" + path};
  auto child = ChildProcess::spawn(argv);
  if (!child.ok()) return child.status();
  std::string out;
  ChildExit exit = (*child)->wait(
      [&](std::string_view line) {
        if (out.size() < (64u << 20)) out.append(line).push_back('\n');
      },
      ChildProcess::Clock::now() + options.time_limit);
  if (exit.timed_out) {
    return Status::error("engine.timeout", fmt::format("ffprobe did not finish within {} ms",
                                                       options.time_limit.count()));
  }
  if (!exit.success()) {
    std::string why = (*child)->stderr_summary();
    return Status::error("engine.decode", why.empty() ? "ffprobe failed" : why);
  }
  json parsed = json::parse(out, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::error("engine.decode", "unreadable ffprobe answer");
  }
  return parsed;
}

}  // namespace

Result<ProbeResult> probe_media(const std::string& path, const ProbeOptions& options) {
  Result<json> answer = options.engine ? options.engine(path) : run_ffprobe(path, options);
  if (!answer.ok()) {
    if (answer.status().id() != "engine.decode") return answer.status();
    return Status::error("engine.decode",
                         fmt::format("cannot read the media file: {}",
                                     core::explain_refused_format(answer.status().message())));
  }
  json parsed = std::move(*answer);
  if (!parsed.is_object()) {
    return Status::error("engine.decode", "cannot read the media file: unreadable probe answer");
  }
  MediaSummary summary = summarize(parsed);
  if (summary.has_video && summary.width == 0) {
    char head[30] = {};
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      size_t n = std::fread(head, 1, sizeof head, f);
      std::fclose(f);
      auto [w, h] = webp_canvas(std::string_view(head, n));
      summary.width = w;
      summary.height = h;
    }
  }
  if (!summary.has_video && !summary.has_audio) {
    return Status::error("engine.decode", "cannot read the media file: no audio or video stream");
  }
  return ProbeResult{std::move(parsed), std::move(summary)};
}

}  // namespace omm::local

// LocalExecutor, the programs it runs: finding the engine workers, their warm pools, probes
// through the probe engine, and doctor's report on directories, FFmpeg and engines (executor.h).
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "local/child_process.h"
#include "local/engine_pool.h"
#include "local/executor.h"
#include "local/executor_impl.h"

namespace omm::local {

namespace fs = std::filesystem;
using executor_impl::kImageEngine;
using executor_impl::kProbeEngine;
using executor_impl::kVisionEngine;
using nlohmann::json;

namespace {

constexpr std::chrono::milliseconds kProbeTimeout{60000};  // one probe, the probe engine's

// The build directory's subfolder of an engine (src/engine/<dir>/<name>).
const char* engine_subdir(const std::string& name) {
  if (name == kImageEngine) return "image";
  if (name == kVisionEngine) return "vision";
  return "probe";
}

}  // namespace

Result<std::string> LocalExecutor::find_engine(const std::string& name) const {
  std::vector<fs::path> candidates;
  if (!options_.engine_dir.empty()) candidates.push_back(fs::path(options_.engine_dir) / name);
  if (const char* env = std::getenv("OMM_ENGINE_DIR")) candidates.push_back(fs::path(env) / name);
  fs::path here = executable_dir();
  candidates.push_back(here / name);
  candidates.push_back(here / "engine" / engine_subdir(name) / name);
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c.string();
  }
  return Status::error("engine.missing",
                       fmt::format("the engine worker {} is not installed next to the server "
                                   "(looked in {}); run scripts/setup.sh",
                                   name, here.string()));
}

EnginePool* LocalExecutor::engine(const std::string& name, Status* error) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<EnginePool>& slot =
      name == kImageEngine ? image_ : (name == kVisionEngine ? vision_ : probe_);
  if (!slot) {
    auto exe = find_engine(name);
    if (!exe.ok()) {
      *error = exe.status();
      return nullptr;
    }
    EnginePoolOptions o;
    o.executable = *exe;
    o.max_workers = options_.workers;
    o.memory_limit_mb = options_.memory_limit_mb;
    o.max_pixels = options_.max_pixels;
    o.job_timeout = options_.job_timeout;
    if (name == kProbeEngine) o.job_timeout = std::min(o.job_timeout, kProbeTimeout);
    slot = std::make_unique<EnginePool>(o);
  }
  return slot.get();
}

ProbeEngine LocalExecutor::probe_engine() {
  Status err;
  EnginePool* pool = engine(kProbeEngine, &err);
  if (pool == nullptr) return {};  // ffprobe children instead
  return [pool](const std::string& path) -> Result<json> {
    auto r = pool->run(json{{"input", path}});
    if (!r.ok()) return r.status();
    auto data = r->find("data");
    if (data == r->end() || !data->is_object()) {
      return Status::error("engine.decode", "the probe engine gave no answer");
    }
    return std::move(*data);
  };
}

json LocalExecutor::file_metadata(const std::string& path) {
  std::error_code ec;
  auto size = static_cast<std::uint64_t>(fs::file_size(path, ec));
  json out{{"size", ec ? 0 : size}};
  ProbeOptions po;
  po.engine = probe_engine();
  auto probed = probe_media(path, po);
  if (!probed.ok()) return out;
  const MediaSummary& m = probed->summary;
  std::string image = image_kind(m);
  if (image.empty()) return metadata_json(m);
  if (image == "jpeg") image = "jpg";
  out["format"] = image;
  out["width"] = m.width;
  out["height"] = m.height;
  return out;
}

// doctor on the local backend: the directories, the FFmpeg programs and the engine workers this
// server would use, and where the blind-watermark key comes from (never its value).
Result<json> LocalExecutor::doctor() {
  json checks = json::array();
  bool all_ok = true;
  auto add = [&](const std::string& name, bool ok, const std::string& detail) {
    checks.push_back({{"name", name}, {"ok", ok}, {"detail", detail}});
    all_ok = all_ok && ok;
  };
  auto writable = [](const std::string& dir) { return ::access(dir.c_str(), W_OK | X_OK) == 0; };
  add("root", writable(store_.root()),
      store_.root() + (writable(store_.root()) ? " (writable)" : " (not writable)"));
  add("output_dir", writable(options_.output_dir),
      options_.output_dir + (writable(options_.output_dir) ? " (writable)" : " (not writable)"));
  for (const char* program : {"ffmpeg", "ffprobe"}) {
    std::string first;
    auto child = ChildProcess::spawn({program, "-hide_banner", "-version"});
    if (!child.ok()) {
      add(program, false, child.status().to_string() + "; install it (scripts/setup.sh)");
      continue;
    }
    ChildExit exit = (*child)->wait(
        [&](std::string_view line) {
          if (first.empty()) first = std::string(line);
        },
        ChildProcess::Clock::now() + std::chrono::seconds(10));
    add(program, exit.success(),
        exit.success() ? first : fmt::format("{} -version failed", program));
  }
  for (const char* name : {kImageEngine, kVisionEngine}) {
    auto exe = find_engine(name);
    add(name, exe.ok(), exe.ok() ? *exe : exe.status().message());
  }
  // Optional: without it, probes run as ffprobe children (slower, same answers).
  auto probe = find_engine(kProbeEngine);
  add(kProbeEngine, true,
      probe.ok() ? *probe : "not installed; media is probed with ffprobe children instead");
  bool default_key = options_.watermark_key == LocalOptions{}.watermark_key;
  checks.push_back({{"name", "watermark_key"},
                    {"ok", true},
                    {"detail", default_key ? "the documented default key (set --watermark-key to "
                                             "keep marks private to this deployment)"
                                           : "configured with --watermark-key"}});
  json data{{"backend", "local"},
            {"ok", all_ok},
            {"root", store_.root()},
            {"output_dir", options_.output_dir},
            {"input_dirs", options_.input_dirs},
            {"checks", checks}};
  return json{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()},
              {"data", data}};
}

}  // namespace omm::local

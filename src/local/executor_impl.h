// Internal to the LocalExecutor's own files (executor.cpp, executor_engines.cpp,
// executor_image.cpp, executor_media.cpp, executor_objects.cpp): the engine worker names and the
// small helpers they share. Not part of executor.h's contract; no other code includes it.
#pragma once

#include <spdlog/fmt/fmt.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "core/ascii.h"
#include "core/status.h"

namespace omm::local::executor_impl {

inline constexpr const char* kImageEngine = "oss-media-engine-image";
inline constexpr const char* kVisionEngine = "oss-media-engine-vision";
inline constexpr const char* kProbeEngine = "oss-media-engine-probe";

// The lower-case extension of a path without its dot ("jpeg" reads "jpg", "tif" reads "tiff").
inline std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  ext = to_lower(ext);
  if (ext == "jpeg") ext = "jpg";
  if (ext == "tif") ext = "tiff";
  return ext;
}

// [local.io] "<what>: <reason>".
inline Status io_error(const std::string& what, const std::error_code& ec) {
  return Status::error("local.io", fmt::format("{}: {}", what, ec.message()));
}

}  // namespace omm::local::executor_impl

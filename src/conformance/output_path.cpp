#include "conformance/output_path.h"

#include <filesystem>
#include <utility>

#include "files/local_files.h"

namespace omm::conformance {

namespace {

namespace fs = std::filesystem;

Result<std::string> resolve(const std::string& output_dir, const std::string& output_path) {
  const Status outside = Status::error(
      kOutputPathId,
      "output_path must lie inside the output directory (the server's --output-dir): give a "
      "path relative to it, without '..' components and not leading out through a symlink");
  for (const fs::path& part : fs::path(output_path)) {
    if (part == "..") return outside;
  }
  files::LocalFilesOptions options;
  options.output_dir = output_dir;
  auto local_files = files::LocalFiles::create(std::move(options));
  if (!local_files.ok()) return Status::error("local.io", "cannot create the output directory");
  auto path = local_files->resolve_download_path("test_slow_operation", output_path);
  if (!path.ok()) return outside;
  if (fs::path(*path).filename().empty()) {
    return Status::error(kOutputPathId,
                         "output_path must name a file inside the output directory, not a "
                         "directory");
  }
  return path;
}

}  // namespace

OutputPathResolver output_dir_resolver(std::string output_dir) {
  return [output_dir = std::move(output_dir)](const std::string& output_path) {
    return resolve(output_dir, output_path);
  };
}

}  // namespace omm::conformance

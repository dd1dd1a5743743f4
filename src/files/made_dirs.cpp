#include "files/made_dirs.h"

#include <unistd.h>

namespace omm::files {

namespace fs = std::filesystem;

MadeDirs::~MadeDirs() {
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
    ::rmdir(it->c_str());  // fails, harmlessly, when the directory is not empty
  }
}

std::error_code MadeDirs::make(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || fs::is_directory(dir, ec)) return {};
  // The missing ancestors, outermost first.
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (fs::exists(fs::symlink_status(p, ec))) break;
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (fs::create_directory(*it, ec)) {
      made_.push_back(*it);
    } else if (ec) {
      return ec;
    }
  }
  if (!fs::is_directory(dir, ec)) return ec ? ec : std::make_error_code(std::errc::not_a_directory);
  return {};
}

}  // namespace omm::files

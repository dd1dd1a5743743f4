#include "local/delivery.h"

#include <spdlog/fmt/fmt.h>

#include <filesystem>

#include "files/made_dirs.h"

namespace omm::local {

namespace fs = std::filesystem;

Result<std::string> copy_out(const std::vector<std::string>& files, const std::string& dest,
                             bool into_directory) {
  if (files.empty() || (!into_directory && files.size() != 1)) {
    return Status::error("local.io",
                         fmt::format("cannot write {}: expected {} file(s), got {}", dest,
                                     into_directory ? "some" : "one", files.size()));
  }
  std::vector<fs::path> written;
  files::MadeDirs made;
  auto fail = [&](const fs::path& target, const std::error_code& ec) -> Status {
    std::error_code ignored;
    for (const auto& w : written) fs::remove(w, ignored);
    return Status::error("local.io",
                         fmt::format("cannot write {}: {}", target.string(), ec.message()));
  };
  for (const std::string& file : files) {
    fs::path target = into_directory ? fs::path(dest) / fs::path(file).filename() : fs::path(dest);
    fs::path part = target.parent_path() / (".omm-part-" + target.filename().string());
    std::error_code ec = made.make_parents_of(target);
    if (!ec) fs::copy_file(file, part, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(part, target, ec);
    if (ec) {
      std::error_code ignored;
      fs::remove(part, ignored);
      return fail(target, ec);
    }
    written.push_back(target);
  }
  made.keep();
  return dest;
}

}  // namespace omm::local

// MadeDirs: the directories one call creates for its output, taken back when the call fails.
//
// A save under "new/deep/x.jpg" or a download into "sub/dir/x.png" creates the missing parent
// directories first; if the call then fails, nothing of it may stay behind — empty directories
// included. make() and make_parents_of() create what is missing and remember exactly those
// directories; unless keep() was called, the destructor removes the remembered ones that are
// still empty, deepest first (a directory that something else filled meanwhile stays, and one
// that existed before the call is never touched). One per call; not thread-safe.
#pragma once

#include <filesystem>
#include <system_error>
#include <vector>

namespace omm::files {

class MadeDirs {
 public:
  MadeDirs() = default;
  MadeDirs(const MadeDirs&) = delete;
  MadeDirs& operator=(const MadeDirs&) = delete;
  ~MadeDirs();

  // Creates `dir` and its missing parents.
  std::error_code make(const std::filesystem::path& dir);
  std::error_code make_parents_of(const std::filesystem::path& file) {
    return make(file.parent_path());
  }
  // The call succeeded: the directories stay.
  void keep() { made_.clear(); }

 private:
  std::vector<std::filesystem::path> made_;  // in creation order (parents first)
};

}  // namespace omm::files

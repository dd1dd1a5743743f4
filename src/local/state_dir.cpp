#include "local/state_dir.h"

#include <pwd.h>
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace omm::local {

namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string home_dir() {
  std::string home = env_or_empty("HOME");
  if (!home.empty()) return home;
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(::geteuid(), &pw, buf, sizeof buf, &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr && found->pw_dir[0] == '/') {
    return found->pw_dir;
  }
  return "/";
}

std::string read_root_file(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string state_dir_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  std::string xdg = env_or_empty("XDG_STATE_HOME");
  if (!xdg.empty() && xdg.front() == '/') return xdg + "/oss-media-mcp";
  std::string home = home_dir();
  if (home.size() > 1 && home.back() == '/') home.pop_back();
  return (home == "/" ? std::string() : home) + "/.local/state/oss-media-mcp";
}

Status ensure_private_dir(const std::string& dir) {
  std::error_code ec;
  fs::path p(dir);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::error("local.state", fmt::format("cannot create the state directory {}: {}", dir,
                                                    std::strerror(errno)));
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::error("local.state",
                         fmt::format("the state directory {} is not a directory", dir));
  }
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::error("local.state",
                         fmt::format("the state directory {} is not private to this user (owner "
                                     "{}, mode {:o}); pass --state-dir with a directory of "
                                     "your own",
                                     dir, st.st_uid, st.st_mode & 07777));
  }
  return Status::ok();
}

Result<std::string> job_journal_dir(const std::string& state_dir,
                                    const std::string& canonical_root) {
  if (Status s = ensure_private_dir(state_dir); !s) return s;
  const fs::path jobs = fs::path(state_dir) / "jobs";
  if (Status s = ensure_private_dir(jobs.string()); !s) return s;
  const std::string tag = root_tag(canonical_root);
  // Journals of roots that are gone (a test's temporary root, a moved folder) go with them.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(jobs, ec)) {
    if (e.path().filename() == tag) continue;
    std::string root = read_root_file(e.path() / "root");
    std::error_code exists;
    if (!root.empty() && root.front() == '/' && !fs::exists(root, exists) && !exists) {
      std::error_code rm;
      fs::remove_all(e.path(), rm);
    }
  }
  const fs::path dir = jobs / tag;
  if (Status s = ensure_private_dir(dir.string()); !s) return s;
  const fs::path marker = dir / "root";
  std::string recorded = read_root_file(marker);
  if (recorded.empty()) {
    std::ofstream(marker, std::ios::trunc) << canonical_root << "\n";
  } else if (recorded != canonical_root) {
    return Status::error("local.state",
                         fmt::format("the job journal {} belongs to another root; pass a "
                                     "different --state-dir",
                                     dir.string()));
  }
  return dir.string();
}

std::string root_tag(std::string_view canonical_root) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : canonical_root) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace omm::local

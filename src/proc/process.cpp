#include "proc/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/fmt/fmt.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace omm::proc {

namespace {

// Owns the spawn attribute and file-action objects for the duration of one spawn.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

Result<pid_t> spawn_process(const SpawnRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) {
    return Status::error("engine.spawn", "empty command");
  }
  SpawnSetup s;
  // Own process group (a kill reaches every descendant); default signals, nothing blocked.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  const int fds[3] = {request.stdin_fd, request.stdout_fd, request.stderr_fd};
  for (int target = 0; target < 3; ++target) {
    if (fds[target] < 0) {
      posix_spawn_file_actions_addopen(&s.actions, target, "/dev/null",
                                       target == 0 ? O_RDONLY : O_WRONLY, 0);
    } else if (fds[target] != target) {
      posix_spawn_file_actions_adddup2(&s.actions, fds[target], target);
    }
  }
  std::vector<char*> args;
  args.reserve(request.argv.size() + 1);
  for (const std::string& a : request.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &s.actions, &s.attr, args.data(), environ);
  if (rc != 0) {
    return Status::error("engine.spawn",
                         fmt::format("cannot run {}: {}", request.argv[0], std::strerror(rc)));
  }
  return pid;
}

ProcessIdentity process_identity(pid_t pid) {
  ProcessIdentity id;
  if (pid <= 0) return id;
  std::string stat = read_first_line(fmt::format("/proc/{}/stat", pid));
  // "pid (comm) state ppid …": comm may hold spaces and ')', so count from the last ')'.
  std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return id;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int n = 3; n <= 22 && (rest >> field); ++n) {
    if (n == 22) id.start_ticks = std::strtoull(field.c_str(), nullptr, 10);
  }
  id.boot_id = read_first_line("/proc/sys/kernel/random/boot_id");
  if (id.start_ticks > 0) id.pid = pid;
  return id;
}

}  // namespace omm::proc

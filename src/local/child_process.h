// ChildProcess: one external program (ffmpeg, ffprobe) run through proc::spawn_process (its own
// process group, clean signal state) with stdin /dev/null; stdout is delivered line by line
// (for `-progress pipe:1`), stderr is kept as a bounded tail for error messages.
//
// Thread-safety: one owner thread calls spawn()/wait(); kill() may be called from any thread at
// any time (before, during or after wait()) and never signals a reaped (possibly reused) pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "proc/process.h"

namespace omm::local {

using proc::process_identity;
using proc::ProcessIdentity;
using proc::spawn_process;
using proc::SpawnRequest;

struct ChildOptions {
  std::size_t stderr_tail_bytes = 16 * 1024;  // stderr kept for messages (the last N bytes)
  std::size_t max_line_bytes = 64 * 1024;     // longer stdout lines are cut into pieces
};

struct ChildExit {
  bool exited = false;  // normal exit; `code` is valid
  int code = -1;
  int signal = 0;          // the terminating signal when !exited
  bool timed_out = false;  // wait() killed the child because the deadline passed
  bool killed = false;     // kill() was called (by wait() on timeout or by another thread)
  bool success() const { return exited && code == 0; }
};

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;
  using LineFn = std::function<void(std::string_view line)>;

  // Starts argv[0] (searched in PATH when it has no '/'). Ids: engine.spawn (the program is
  // missing or cannot be started).
  static Result<std::unique_ptr<ChildProcess>> spawn(const std::vector<std::string>& argv,
                                                     const ChildOptions& options = {});

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills and reaps a child that is still running.
  ~ChildProcess();

  // Reads the child's output until it exits, calling `on_line` (may be empty) for every stdout
  // line without its '\n'. Past `deadline` the process group is killed and `timed_out` set.
  // Call once.
  ChildExit wait(const LineFn& on_line, Clock::time_point deadline = Clock::time_point::max());

  // SIGKILL to the child's process group unless it has been reaped. Any thread.
  void kill();

  pid_t pid() const { return pid_; }
  // The last bytes the child wrote to stderr (valid after wait()).
  const std::string& stderr_tail() const { return stderr_; }
  // The last non-empty stderr lines, joined with "; " and at most `max_bytes` long.
  std::string stderr_summary(std::size_t max_lines = 3, std::size_t max_bytes = 600) const;

 private:
  ChildProcess(pid_t pid, int out_fd, int err_fd, ChildOptions options);
  void reap(ChildExit& exit);

  pid_t pid_;
  int out_fd_;
  int err_fd_;
  ChildOptions options_;
  std::string stderr_;
  std::mutex mu_;  // guards reaped_ and killed_ against kill() from other threads
  bool reaped_ = false;
  bool killed_ = false;
};

}  // namespace omm::local

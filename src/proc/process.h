// Starting and recognising child processes: the one way the server starts a program (ffmpeg and
// ffprobe children, engine workers, test fixtures).
//
// spawn_process: an argument vector, never a shell; the child gets its own process group (a kill
// of the group reaches every descendant), default signal dispositions and an empty signal mask —
// whatever the server ignores or blocks (SIGPIPE; SIGINT/SIGTERM in the HTTP server's threads)
// — and stdin, stdout and stderr as the caller says (/dev/null unless given).
//
// process_identity: who a process is, for telling it from a later process that got the same pid
// (job recovery kills recorded children only when they are still the same processes).
//
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace omm::proc {

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0]: searched in PATH when it has no '/'
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null; 2: the server's own stderr
};

// Starts the program; the given fds are dup2'ed onto 0/1/2 in the child (the caller keeps and
// closes its copies). Ids: engine.spawn (empty argv, missing or unstartable program).
Result<pid_t> spawn_process(const SpawnRequest& request);

// Who a process is, for telling it from a later process that got the same pid: its start time
// in clock ticks since boot (/proc/<pid>/stat field 22) and the boot's id. Empty when the
// process is gone.
struct ProcessIdentity {
  pid_t pid = -1;
  unsigned long long start_ticks = 0;
  std::string boot_id;
  bool valid() const { return pid > 0 && start_ticks > 0 && !boot_id.empty(); }
};
ProcessIdentity process_identity(pid_t pid);

}  // namespace omm::proc

#include "local/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/fmt/fmt.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace omm::local {

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                          const ChildOptions& options) {
  if (argv.empty() || argv[0].empty()) return Status::error("engine.spawn", "empty command");
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    for (int* fd : {&out[0], &out[1], &err[0], &err[1]}) close_fd(*fd);
    return Status::error("engine.spawn", fmt::format("pipe: {}", std::strerror(e)));
  }
  SpawnRequest request;
  request.argv = argv;
  request.stdout_fd = out[1];
  request.stderr_fd = err[1];
  Result<pid_t> pid = spawn_process(request);
  close_fd(out[1]);
  close_fd(err[1]);
  if (!pid.ok()) {
    close_fd(out[0]);
    close_fd(err[0]);
    return pid.status();
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(*pid, out[0], err[0], options));
}

ChildProcess::ChildProcess(pid_t pid, int out_fd, int err_fd, ChildOptions options)
    : pid_(pid), out_fd_(out_fd), err_fd_(err_fd), options_(options) {}

ChildProcess::~ChildProcess() {
  bool reaped;
  {
    std::lock_guard lock(mu_);
    reaped = reaped_;
  }
  if (!reaped) {
    kill();
    ChildExit ignored;
    reap(ignored);
  }
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void ChildProcess::kill() {
  std::lock_guard lock(mu_);
  if (reaped_) return;
  killed_ = true;
  ::kill(-pid_, SIGKILL);  // the group (pgid == pid)
  ::kill(pid_, SIGKILL);   // in case the group could not be set up yet
}

ChildExit ChildProcess::wait(const LineFn& on_line, Clock::time_point deadline) {
  ChildExit result;
  std::string line;
  auto deliver = [&](bool flush) {
    std::size_t start = 0;
    for (std::size_t nl; (nl = line.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view l(line.data() + start, nl - start);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (on_line) on_line(l);
    }
    line.erase(0, start);
    if ((flush && !line.empty()) || line.size() > options_.max_line_bytes) {
      if (on_line) on_line(line);
      line.clear();
    }
  };
  auto check_deadline = [&] {
    if (!result.timed_out && Clock::now() >= deadline) {
      result.timed_out = true;
      kill();
    }
  };

  char buf[8192];
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pollfd fds[2];
    int n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    int timeout_ms = -1;
    if (!result.timed_out && deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      timeout_ms = static_cast<int>(std::clamp<long long>(left.count() + 1, 0, 60000));
    }
    int rc = ::poll(fds, n, timeout_ms);
    if (rc < 0 && errno != EINTR) break;
    check_deadline();
    if (rc <= 0) continue;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      bool is_out = fds[i].fd == out_fd_;
      if (got <= 0) {
        close_fd(is_out ? out_fd_ : err_fd_);
        if (is_out) deliver(true);
        continue;
      }
      if (is_out) {
        line.append(buf, static_cast<std::size_t>(got));
        deliver(false);
      } else {
        stderr_.append(buf, static_cast<std::size_t>(got));
        if (stderr_.size() > 2 * options_.stderr_tail_bytes) {
          stderr_.erase(0, stderr_.size() - options_.stderr_tail_bytes);
        }
      }
    }
  }
  if (stderr_.size() > options_.stderr_tail_bytes) {
    stderr_.erase(0, stderr_.size() - options_.stderr_tail_bytes);
  }

  // Both pipes are closed; the child normally exits right away. Wait without reaping so that
  // kill() can still tell a live pid from a reused one, and keep honouring the deadline.
  for (;;) {
    siginfo_t info{};
    int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == pid_) break;
    if (rc != 0 && errno != EINTR) break;  // ECHILD: nothing left to wait for
    check_deadline();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reap(result);
  return result;
}

void ChildProcess::reap(ChildExit& exit) {
  std::lock_guard lock(mu_);
  if (reaped_) return;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  reaped_ = true;
  exit.killed = killed_;
  if (r == pid_ && WIFEXITED(status)) {
    exit.exited = true;
    exit.code = WEXITSTATUS(status);
  } else if (r == pid_ && WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
}

std::string ChildProcess::stderr_summary(std::size_t max_lines, std::size_t max_bytes) const {
  std::vector<std::string_view> lines;
  std::string_view rest(stderr_);
  while (!rest.empty() && lines.size() < max_lines) {
    std::size_t end = rest.find_last_not_of("\r\n \t");
    if (end == std::string_view::npos) break;
    rest = rest.substr(0, end + 1);
    std::size_t nl = rest.find_last_of('\n');
    std::string_view l = nl == std::string_view::npos ? rest : rest.substr(nl + 1);
    std::size_t b = l.find_first_not_of(" \t");
    if (b != std::string_view::npos) lines.push_back(l.substr(b));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(0, nl);
  }
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!out.empty()) out += "; ";
    out += *it;
  }
  if (out.size() > max_bytes) out = "..." + out.substr(out.size() - max_bytes);
  return out;
}

}  // namespace omm::local

#include "local/engine_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "local/child_process.h"

namespace omm::local {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

bool write_all(int fd, const std::string& data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

EnginePool::EnginePool(EnginePoolOptions options) : options_(std::move(options)) {
  if (options_.max_workers == 0) options_.max_workers = 1;
}

EnginePool::~EnginePool() {
  std::vector<std::unique_ptr<Worker>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    idle.swap(idle_);
  }
  for (auto& w : idle) kill_worker(*w);
}

size_t EnginePool::workers_started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return started_;
}

std::vector<pid_t> EnginePool::idle_pids() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<pid_t> pids;
  for (const auto& w : idle_) pids.push_back(w->pid);
  return pids;
}

Result<std::unique_ptr<EnginePool::Worker>> EnginePool::start_worker() {
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Status::error("engine.start", std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return Status::error("engine.start", std::strerror(errno));
  }
  SpawnRequest request;
  request.argv = {options_.executable, "--memory-limit-mb",
                  std::to_string(options_.memory_limit_mb), "--max-pixels",
                  std::to_string(options_.max_pixels)};
  request.stdin_fd = in[0];
  request.stdout_fd = out[1];
  request.stderr_fd = 2;  // the worker's own diagnostics join the server's log stream
  Result<pid_t> pid = spawn_process(request);
  ::close(in[0]);
  ::close(out[1]);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(out[0]);
    return Status::error("engine.start", fmt::format("cannot start {}: {}", options_.executable,
                                                     pid.status().message()));
  }
  auto w = std::make_unique<Worker>();
  w->pid = *pid;
  w->to_worker = in[1];
  w->from_worker = out[0];
  spdlog::debug("engine worker {} started: {}", *pid, options_.executable);
  return w;
}

std::unique_ptr<EnginePool::Worker> EnginePool::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      auto w = std::move(idle_.back());
      idle_.pop_back();
      // A worker that died while idle (killed from outside, the OOM killer) would fail the
      // next job: reap it and take another one, or start a fresh one.
      int status = 0;
      if (::waitpid(w->pid, &status, WNOHANG) == w->pid) {
        spdlog::warn("engine worker {} died while idle; replacing it", w->pid);
        w->pid = -1;
        kill_worker(*w);
        --live_;
        continue;
      }
      return w;
    }
    if (live_ < options_.max_workers) {
      ++live_;
      ++started_;
      return nullptr;  // the caller starts one outside the lock
    }
    cv_.wait(lock);
  }
}

void EnginePool::release(std::unique_ptr<Worker> worker, bool healthy) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (healthy && worker && !stopping_) {
      idle_.push_back(std::move(worker));
    } else {
      --live_;
    }
  }
  cv_.notify_one();
  if (worker) kill_worker(*worker);  // only reached when not kept
}

void EnginePool::kill_worker(Worker& w) {
  if (w.pid > 0) {
    ::kill(-w.pid, SIGKILL);
    ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    w.pid = -1;
  }
  if (w.to_worker >= 0) ::close(w.to_worker);
  if (w.from_worker >= 0) ::close(w.from_worker);
  w.to_worker = w.from_worker = -1;
}

Status EnginePool::worker_death(Worker& w, const char* during) {
  int status = 0;
  pid_t r = -1;
  for (int i = 0; i < 50; ++i) {  // the pipe closed: the process is exiting
    r = ::waitpid(w.pid, &status, WNOHANG);
    if (r != 0) break;
    ::usleep(10000);
  }
  if (r == 0) {
    ::kill(w.pid, SIGKILL);
    ::waitpid(w.pid, &status, 0);
  }
  w.pid = -1;
  if (r > 0 && WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return Status::error("engine.crashed",
                         fmt::format("the engine worker crashed {} (signal {}: {}); the job failed "
                                     "and the worker was replaced",
                                     during, sig, strsignal(sig)));
  }
  if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    return Status::error("engine.start", "the engine worker could not initialise its library");
  }
  return Status::error("engine.crashed",
                       fmt::format("the engine worker exited {}; the worker was replaced", during));
}

Result<json> EnginePool::run(json request, const JobControl& control) {
  std::unique_ptr<Worker> w = acquire();
  if (!w) {
    auto started = start_worker();
    if (!started.ok()) {
      release(nullptr, false);
      return started.status();
    }
    w = std::move(*started);
  }
  std::int64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = ++next_id_;
  }
  request["id"] = id;
  std::string line = request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (!write_all(w->to_worker, line)) {
    Status s = worker_death(*w, "before the job");
    release(std::move(w), false);
    return s;
  }
  auto deadline = Clock::now() + options_.job_timeout;
  for (;;) {
    size_t nl = w->pending.find('\n');
    if (nl != std::string::npos) {
      std::string text = w->pending.substr(0, nl);
      w->pending.erase(0, nl + 1);
      json response = json::parse(text, nullptr, false);
      if (response.is_discarded() || !response.is_object() || response.value("id", json()) != id) {
        release(std::move(w), false);
        return Status::error("engine.protocol", "the engine worker answered out of turn");
      }
      release(std::move(w), true);
      if (response.value("ok", false)) return response;
      const json& err = response.contains("error") ? response["error"] : json::object();
      std::string eid = err.is_object() ? err.value("id", "engine.error") : "engine.error";
      std::string msg = err.is_object() ? err.value("message", "") : "";
      return Status::error(eid, msg);
    }
    if (control.cancelled && control.cancelled()) {
      release(std::move(w), false);
      return Status::error("cancelled", "the call was cancelled");
    }
    if (Clock::now() >= deadline) {
      release(std::move(w), false);
      return Status::error("engine.timeout",
                           fmt::format("the job took longer than {} s and was stopped",
                                       options_.job_timeout.count() / 1000));
    }
    pollfd pfd{w->from_worker, POLLIN, 0};
    int pr = ::poll(&pfd, 1, 50);
    if (pr < 0 && errno != EINTR) {
      release(std::move(w), false);
      return Status::error("engine.io", std::strerror(errno));
    }
    if (pr <= 0) continue;
    char buf[65536];
    ssize_t n = ::read(w->from_worker, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = worker_death(*w, "during the job");
      release(std::move(w), false);
      return s;
    }
    w->pending.append(buf, static_cast<size_t>(n));
    if (w->pending.size() > (64u << 20)) {
      release(std::move(w), false);
      return Status::error("engine.protocol", "the engine worker's answer is too large");
    }
  }
}

}  // namespace omm::local

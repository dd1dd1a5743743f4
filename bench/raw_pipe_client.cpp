// raw_pipe_client: a minimal MCP stdio client for benchmarks. It talks newline-delimited JSON-RPC
// over pipes with pre-built request lines and times each exchange with CLOCK_MONOTONIC, so the
// figures contain the server and the pipe, not a client library.
//
//   raw_pipe_client cold --iterations N -- CMD ARGS...
//       N times: spawn CMD, send initialize, wait for its result, send notifications/initialized
//       and tools/list, wait for the tools/list result; the sample is spawn -> tools/list result.
//       Then close stdin and reap the child; its CPU time (user + system, from wait4, including
//       its exit) is reported as "cpu", which a busy machine disturbs less than the wall time.
//   raw_pipe_client rtt --iterations N [--warmup W] --line NAME=TEMPLATE ... -- CMD ARGS...
//       spawn CMD once, initialize, then for each --line: W untimed and N timed exchanges of
//       TEMPLATE (with %ID% replaced by a fresh id; all lines are built before timing). Reports
//       VmHWM (peak RSS) of CMD read from /proc before stdin is closed.
//   raw_pipe_client run --iterations N -- CMD ARGS...
//       N times: spawn CMD (stdin, stdout and stderr on /dev/null) and wait for it; the sample is
//       spawn -> exit. Reports the largest ru_maxrss (peak RSS, from wait4) over the runs, the
//       CPU time (user + system) per run as "cpu", and fails if any run exits unsuccessfully.
//       For timing command-line tools against the server.
//
// Output: one JSON object on stdout with per-series n, min, median, p90, p99, max, mean (µs).
// A response is recognised by the substring "id":N followed by ',' or '}' (servers must write
// compact JSON on stdio). Every read waits at most 30 s.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace {

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "raw_pipe_client: %s\n", msg.c_str());
  std::exit(1);
}

class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) die("pipe2 failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (int rc = posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ); rc != 0) {
      die("cannot spawn " + argv[0] + ": " + std::strerror(rc));
    }
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }

  ~Child() { finish(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // User + system CPU time of the reaped child, µs (after finish()).
  double cpu_us() const {
    auto us = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
    };
    return us(usage_.ru_utime) + us(usage_.ru_stime);
  }

  void send(const std::string& line) {
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      ssize_t n = write(to_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) die("write to server failed");
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  // Reads lines until one is the response carrying `id`.
  void await_response(std::int64_t id) {
    const std::string key = "\"id\":" + std::to_string(id);
    for (;;) {
      // buf_ always starts at the beginning of a line; scan_ is how far it has no '\n'.
      std::size_t nl;
      while ((nl = buf_.find('\n', scan_)) != std::string::npos) {
        std::string_view line(buf_.data(), nl);
        bool match = false;
        for (std::size_t at = line.find(key); at != std::string_view::npos && !match;
             at = line.find(key, at + 1)) {
          char next = at + key.size() < line.size() ? line[at + key.size()] : '\0';
          match = next == ',' || next == '}';
        }
        buf_.erase(0, nl + 1);
        scan_ = 0;
        if (match) return;
      }
      scan_ = buf_.size();
      pollfd pfd{from_, POLLIN, 0};
      int pr = poll(&pfd, 1, 30000);
      if (pr == 0) die("no response for id " + std::to_string(id) + " within 30 s");
      if (pr < 0 && errno == EINTR) continue;
      char chunk[65536];
      ssize_t n = read(from_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) die("server closed stdout while waiting for id " + std::to_string(id));
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  long vmhwm_kb() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
  }

  // Closes stdin and reaps the child (SIGKILL after 5 s).
  void finish() {
    if (pid_ <= 0) return;
    if (to_ >= 0) close(to_);
    to_ = -1;
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      if (wait4(pid_, &status, WNOHANG, &usage_) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(10000);
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait4(pid_, &status, 0, &usage_);
      pid_ = -1;
    }
    if (from_ >= 0) close(from_);
    from_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  std::string buf_;
  std::size_t scan_ = 0;
  rusage usage_{};
};

std::string initialize_line(std::int64_t id) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},)"
         R"("clientInfo":{"name":"raw-pipe-bench","version":"0"}}})"
         "\n";
}
const char* kInitialized = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

std::string stats_json(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    if (us.empty()) return 0.0;
    std::size_t i = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1) + 0.5);
    return us[std::min(i, us.size() - 1)];
  };
  double sum = 0;
  for (double v : us) sum += v;
  char out[512];
  std::snprintf(
      out, sizeof out,
      R"({"n":%zu,"min_us":%.2f,"median_us":%.2f,"p90_us":%.2f,"p99_us":%.2f,"max_us":%.2f,"mean_us":%.2f})",
      us.size(), us.empty() ? 0.0 : us.front(), pct(0.5), pct(0.9), pct(0.99),
      us.empty() ? 0.0 : us.back(), us.empty() ? 0.0 : sum / static_cast<double>(us.size()));
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int run_cold(int iterations, const std::vector<std::string>& cmd) {
  std::vector<double> init_us;
  std::vector<double> list_us;
  std::vector<double> cpu_us;
  long hwm = -1;
  for (int i = 0; i < iterations; ++i) {
    std::int64_t t0 = now_ns();
    Child c(cmd);
    c.send(initialize_line(1));
    c.await_response(1);
    std::int64_t t1 = now_ns();
    c.send(kInitialized);
    c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
    c.await_response(2);
    std::int64_t t2 = now_ns();
    hwm = std::max(hwm, c.vmhwm_kb());
    c.finish();
    cpu_us.push_back(c.cpu_us());
    init_us.push_back(static_cast<double>(t1 - t0) / 1000.0);
    list_us.push_back(static_cast<double>(t2 - t0) / 1000.0);
  }
  std::printf(
      R"({"mode":"cold","spawn_to_initialize":%s,"spawn_to_tools_list":%s,"cpu":%s,"vmhwm_kb":%ld})"
      "\n",
      stats_json(init_us).c_str(), stats_json(list_us).c_str(), stats_json(cpu_us).c_str(), hwm);
  return 0;
}

int run_rtt(int iterations, int warmup,
            const std::vector<std::pair<std::string, std::string>>& lines,
            const std::vector<std::string>& cmd) {
  Child c(cmd);
  std::int64_t id = 1;
  c.send(initialize_line(id));
  c.await_response(id++);
  c.send(kInitialized);
  std::string out = R"({"mode":"rtt","series":{)";
  bool first = true;
  for (const auto& [name, tmpl] : lines) {
    const int total = warmup + iterations;
    std::vector<std::string> built;
    built.reserve(static_cast<std::size_t>(total));
    std::vector<std::int64_t> ids;
    for (int i = 0; i < total; ++i) {
      ids.push_back(id);
      built.push_back(replace_all(tmpl, "%ID%", std::to_string(id++)) + "\n");
    }
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(iterations));
    for (int i = 0; i < total; ++i) {
      std::int64_t t0 = now_ns();
      c.send(built[static_cast<std::size_t>(i)]);
      c.await_response(ids[static_cast<std::size_t>(i)]);
      std::int64_t t1 = now_ns();
      if (i >= warmup) us.push_back(static_cast<double>(t1 - t0) / 1000.0);
    }
    out += (first ? "" : ",") + std::string("\"") + json_escape(name) + "\":" + stats_json(us);
    first = false;
  }
  long hwm = c.vmhwm_kb();
  c.finish();
  out += "},\"vmhwm_kb\":" + std::to_string(hwm) + "}";
  std::printf("%s\n", out.c_str());
  return 0;
}

int run_cli(int iterations, const std::vector<std::string>& cmd) {
  std::vector<char*> args;
  for (const auto& a : cmd) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<double> wall_us;
  std::vector<double> cpu_us;
  long maxrss_kb = -1;
  for (int i = 0; i < iterations; ++i) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    std::int64_t t0 = now_ns();
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) die("cannot spawn " + cmd[0] + ": " + std::strerror(rc));
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, 0, &ru) < 0) {
      if (errno != EINTR) die("wait4 failed");
    }
    std::int64_t t1 = now_ns();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die(cmd[0] + " failed");
    wall_us.push_back(static_cast<double>(t1 - t0) / 1000.0);
    cpu_us.push_back(static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
    maxrss_kb = std::max(maxrss_kb, ru.ru_maxrss);
  }
  std::printf(R"({"mode":"run","wall":%s,"cpu":%s,"maxrss_kb":%ld})"
              "\n",
              stats_json(wall_us).c_str(), stats_json(cpu_us).c_str(), maxrss_kb);
  return 0;
}

void usage() {
  std::fprintf(stderr,
               "usage: raw_pipe_client cold --iterations N -- CMD ARGS...\n"
               "       raw_pipe_client rtt --iterations N [--warmup W] --line NAME=TEMPLATE ... -- "
               "CMD ARGS...\n"
               "       raw_pipe_client run --iterations N -- CMD ARGS...\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) usage();
  std::string mode = argv[1];
  int iterations = 1000;
  int warmup = 200;
  std::vector<std::pair<std::string, std::string>> lines;
  std::vector<std::string> cmd;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) cmd.emplace_back(argv[i]);
      break;
    }
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (a == "--iterations") {
      iterations = std::atoi(v.c_str());
    } else if (a == "--warmup") {
      warmup = std::atoi(v.c_str());
    } else if (a == "--line") {
      auto eq = v.find('=');
      if (eq == std::string::npos) usage();
      lines.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else {
      usage();
    }
  }
  if (cmd.empty() || iterations <= 0) usage();
  if (mode == "cold") return run_cold(iterations, cmd);
  if (mode == "run") return run_cli(iterations, cmd);
  if (mode == "rtt" && !lines.empty()) return run_rtt(iterations, warmup, lines, cmd);
  usage();
}

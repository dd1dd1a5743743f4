#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "engine/worker.h"

namespace omm::engine {

namespace {

using nlohmann::json;

bool parse_u64(const char* s, std::uint64_t* out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

void write_line(const json& j) {
  std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(1, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::exit(0);  // the pool is gone
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

json error_response(const json& id, const std::string& error_id, const std::string& message) {
  return json{{"id", id}, {"ok", false}, {"error", {{"id", error_id}, {"message", message}}}};
}

}  // namespace

int run_worker(int argc, char** argv, const char* name, const std::function<Status()>& init,
               const JobHandler& handler) {
  WorkerLimits limits;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (flag == "--max-pixels" && parse_u64(value, &limits.max_pixels)) {
      ++i;
    } else if (flag == "--memory-limit-mb" && parse_u64(value, &limits.memory_limit_mb)) {
      ++i;
    } else {
      std::fprintf(stderr, "%s: unknown or bad option %s\n", name, argv[i]);
      return 2;
    }
  }
  if (limits.memory_limit_mb > 0) {
    rlimit rl{};
    rl.rlim_cur = rl.rlim_max = static_cast<rlim_t>(limits.memory_limit_mb) << 20;
    if (setrlimit(RLIMIT_AS, &rl) != 0) {
      std::fprintf(stderr, "%s: setrlimit failed: %s\n", name, std::strerror(errno));
    }
  }
  if (Status s = init(); !s.is_ok()) {
    std::fprintf(stderr, "%s: %s\n", name, s.to_string().c_str());
    return 3;
  }
  std::string line;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = line.find('\n')) != std::string::npos) {
      std::string text = line.substr(0, nl);
      line.erase(0, nl + 1);
      if (text.empty()) continue;
      json request = json::parse(text, nullptr, false);
      if (request.is_discarded() || !request.is_object()) {
        write_line(error_response(nullptr, "engine.protocol", "request is not a JSON object"));
        continue;
      }
      json id = request.value("id", json());
      json response;
      try {
        Result<json> r = handler(request, limits);
        if (r.ok()) {
          response = *r;
          if (!response.is_object()) response = json::object();
          response["id"] = id;
          response["ok"] = true;
        } else {
          response = error_response(id, r.status().id(), r.status().message());
        }
      } catch (const std::bad_alloc&) {
        response = error_response(id, "engine.limit.memory",
                                  "the job needs more memory than the worker may use");
      } catch (const std::exception& e) {
        response = error_response(id, "engine.internal", e.what());
      }
      write_line(response);
    }
  }
  return 0;
}

}  // namespace omm::engine

#include "local/engine_pool.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using nlohmann::json;
using omm::local::EnginePool;
using omm::local::EnginePoolOptions;

namespace {

EnginePoolOptions test_options() {
  EnginePoolOptions o;
  o.executable = OMM_BUILD_ROOT "/tests/engine/omm-test-engine";
  o.max_workers = 2;
  o.memory_limit_mb = 256;
  o.max_pixels = 1234;
  o.job_timeout = std::chrono::milliseconds(3000);
  return o;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("workers start on first use, stay warm and pass their limits") {
  EnginePool pool(test_options());
  CHECK(pool.workers_started() == 0);
  auto a = pool.run({{"action", "echo"}, {"value", 1}});
  REQUIRE(a.ok());
  CHECK((*a)["data"]["echo"] == 1);
  CHECK((*a)["data"]["max_pixels"] == 1234);
  auto b = pool.run({{"action", "echo"}, {"value", 2}});
  REQUIRE(b.ok());
  CHECK((*b)["data"]["pid"] == (*a)["data"]["pid"]);  // the same warm worker
  CHECK(pool.workers_started() == 1);
}

TEST_CASE("a worker's refusal is the job's error and the worker stays") {
  EnginePool pool(test_options());
  auto r = pool.run({{"action", "refuse"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "engine.decode");
  CHECK(pool.run({{"action", "echo"}}).ok());
  CHECK(pool.workers_started() == 1);
}

TEST_CASE("a crash fails that job only; the next job gets a fresh worker") {
  EnginePool pool(test_options());
  auto first = pool.run({{"action", "echo"}});
  REQUIRE(first.ok());
  pid_t old_pid = (*first)["data"]["pid"];
  auto crashed = pool.run({{"action", "crash"}});
  REQUIRE_FALSE(crashed.ok());
  CHECK(crashed.status().id() == "engine.crashed");
  CHECK_FALSE(alive(old_pid));
  auto next = pool.run({{"action", "echo"}});
  REQUIRE(next.ok());
  CHECK((*next)["data"]["pid"] != old_pid);
}

TEST_CASE("a worker killed from outside mid-job fails the job cleanly") {
  EnginePool pool(test_options());
  std::atomic<pid_t> pid{0};
  auto warm = pool.run({{"action", "echo"}});
  REQUIRE(warm.ok());
  pid = (*warm)["data"]["pid"].get<pid_t>();
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, SIGKILL);
  });
  auto r = pool.run({{"action", "sleep"}, {"ms", 2000}});
  killer.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "engine.crashed");
  CHECK(pool.run({{"action", "echo"}}).ok());
}

TEST_CASE("a worker that died while idle is replaced before the next job") {
  EnginePool pool(test_options());
  auto warm = pool.run({{"action", "echo"}});
  REQUIRE(warm.ok());
  pid_t pid = (*warm)["data"]["pid"].get<pid_t>();
  REQUIRE(::kill(pid, SIGKILL) == 0);
  for (int i = 0; i < 200 && alive(pid); ++i) {  // a zombie until the pool reaps it
    std::string stat;
    if (FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r")) {
      char buf[512] = {};
      stat = std::fgets(buf, sizeof buf, f) ? buf : "";
      std::fclose(f);
    }
    if (stat.find(") Z ") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto next = pool.run({{"action", "echo"}, {"value", 3}});
  REQUIRE_MESSAGE(next.ok(), next.status().to_string());
  CHECK((*next)["data"]["echo"] == 3);
  CHECK((*next)["data"]["pid"] != pid);
  CHECK(pool.workers_started() == 2);
  CHECK(pool.idle_pids().size() == 1);
}

TEST_CASE("time limit, cancellation and memory limit") {
  auto o = test_options();
  o.job_timeout = std::chrono::milliseconds(300);
  EnginePool pool(o);
  auto start = std::chrono::steady_clock::now();
  auto slow = pool.run({{"action", "sleep"}, {"ms", 5000}});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.status().id() == "engine.timeout");

  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  auto cancelled = pool.run({{"action", "sleep"}, {"ms", 250}}, {[&] { return cancel.load(); }});
  canceller.join();
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.status().id() == "cancelled");

  auto big = pool.run({{"action", "allocate"}, {"mib", 512}});  // over the 256 MiB RLIMIT_AS
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().id() == "engine.limit.memory");
  CHECK(pool.run({{"action", "allocate"}, {"mib", 16}}).ok());
}

TEST_CASE("jobs run in parallel up to max_workers") {
  EnginePool pool(test_options());
  auto start = std::chrono::steady_clock::now();
  std::thread t1([&] { CHECK(pool.run({{"action", "sleep"}, {"ms", 400}}).ok()); });
  std::thread t2([&] { CHECK(pool.run({{"action", "sleep"}, {"ms", 400}}).ok()); });
  t1.join();
  t2.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(750));
  CHECK(pool.workers_started() == 2);
}

TEST_CASE("a missing executable is a clear error") {
  auto o = test_options();
  o.executable = "/nonexistent/engine";
  EnginePool pool(o);
  auto r = pool.run({{"action", "echo"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "engine.start");
}

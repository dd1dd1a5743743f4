#include "mcp/worker_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

TEST_CASE("WorkerPool refuses work beyond its queue capacity and runs the rest") {
  omm::mcp::WorkerPool pool(2, 1);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> done{0};
  auto blocker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    ++done;
  };
  CHECK(pool.try_submit(blocker));
  CHECK(pool.try_submit(blocker));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both workers busy
  CHECK(pool.try_submit(blocker));                             // one may wait
  CHECK_FALSE(pool.try_submit(blocker));                       // queue full: busy
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (int i = 0; i < 100 && done < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(done == 3);
}

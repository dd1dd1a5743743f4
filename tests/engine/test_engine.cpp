// A worker with no media library for testing the pool: the request's "action" decides what it
// does — echo, sleep (ms), crash (SIGSEGV), abort, allocate (MiB), exit.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "engine/worker.h"

int main(int argc, char** argv) {
  return omm::engine::run_worker(
      argc, argv, "omm-test-engine", [] { return omm::Status::ok(); },
      [](const nlohmann::json& request,
         const omm::engine::WorkerLimits& limits) -> omm::Result<nlohmann::json> {
        std::string action = request.value("action", "echo");
        if (action == "sleep") {
          std::this_thread::sleep_for(std::chrono::milliseconds(request.value("ms", 1000)));
        } else if (action == "crash") {
          ::raise(SIGSEGV);
        } else if (action == "exit") {
          std::_Exit(0);
        } else if (action == "allocate") {
          std::vector<char> big(static_cast<size_t>(request.value("mib", 1)) << 20, 1);
          return nlohmann::json{{"data", {{"allocated", big.size()}}}};
        } else if (action == "refuse") {
          return omm::Status::error("engine.decode", "not an image");
        }
        return nlohmann::json{{"data",
                               {{"echo", request.value("value", nlohmann::json())},
                                {"pid", ::getpid()},
                                {"max_pixels", limits.max_pixels}}}};
      });
}

// core::Executor over a FakeBackend: what is written once above the seam behaves as
// DESIGN.md "Async jobs" and "Results" say, whichever backend is below.
#include "core/executor.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/plan_from_tool.h"
#include "fake_backend.h"

using nlohmann::json;
using omm::core::Call;
using omm::core::Executor;
using omm::core::ExecutorOptions;
using omm::core::JobStatusRequest;
using omm::test::FakeBackend;
using namespace std::chrono_literals;

namespace {

omm::core::Plan plan(const std::string& tool, const json& args) {
  auto p = omm::core::plan_from_tool(tool, args);
  REQUIRE(p.ok());
  return *p;
}

const json kTranscode = {{"source", {{"key", "v/in.mp4"}}},
                         {"f", "mp4"},
                         {"output", {{"mode", "save"}, {"target_key", "v/out.mp4"}}}};

// A call that records its progress notifications.
struct Recorder {
  std::mutex mu;
  std::vector<std::pair<double, std::string>> progress;
  std::atomic<bool> cancel{false};
  Call call(bool announces) {
    Call c;
    c.announces = announces;
    c.cancelled = [this] { return cancel.load(); };
    c.progress = [this](double p, double, const std::string& m) {
      std::lock_guard<std::mutex> lock(mu);
      progress.emplace_back(p, m);
    };
    return c;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return progress.size();
  }
};

// Until the backend has seen a call starting with `prefix` (e.g. "job ": the executor waits on a
// job), whatever checks came before it.
void wait_for_call(FakeBackend& backend, const std::string& prefix) {
  for (;;) {
    for (const std::string& c : backend.recorded()) {
      if (c.rfind(prefix, 0) == 0) return;
    }
    std::this_thread::sleep_for(1ms);
  }
}

}  // namespace

TEST_CASE("executor: a sync plan runs on the backend, shaped with success and backend") {
  auto backend = std::make_shared<FakeBackend>("oss");
  Executor e(backend, ExecutorOptions{});
  Recorder rec;
  auto r = e.run(plan("image_inspect", {{"source", {{"key", "a.jpg"}}}, {"what", "info"}}),
                 rec.call(true));
  REQUIRE(r.ok());
  CHECK((*r)["success"] == true);
  CHECK((*r)["backend"] == "oss");
  CHECK((*r)["operations"] == "image/info");
  CHECK(backend->recorded() ==
        std::vector<std::string>{"check_request image_inspect", "run image_inspect"});
  CHECK(rec.count() == 1);  // the backend's own progress reaches the call
}

TEST_CASE("executor: a dry run contacts nothing") {
  auto backend = std::make_shared<FakeBackend>();
  Executor e(backend, ExecutorOptions{});
  json args = kTranscode;
  args["dry_run"] = true;
  auto r = e.run(plan("video_transcode", args), Call{});
  REQUIRE(r.ok());
  CHECK((*r)["dry_run"] == true);
  // Only the checks that read and contact nothing.
  CHECK(backend->recorded() == std::vector<std::string>{"check_request video_transcode"});
}

TEST_CASE("executor: a dry run refuses what the real run refuses, with the same id") {
  auto backend = std::make_shared<FakeBackend>();
  backend->request_status =
      omm::Status::error("invalid_argument.video_transcode.output.path", "../x.mp4 is outside");
  Executor e(backend, ExecutorOptions{});
  json args = kTranscode;
  for (bool dry : {true, false}) {
    CAPTURE(dry);
    args["dry_run"] = dry;
    auto r = e.run(plan("video_transcode", args), Call{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.video_transcode.output.path");
  }
  // Neither got as far as a job.
  CHECK(backend->recorded() ==
        std::vector<std::string>{"check_request video_transcode", "check_request video_transcode"});
}

TEST_CASE("executor: an async plan is a job — announced, waited for, answered running") {
  auto backend = std::make_shared<FakeBackend>();
  Executor e(backend, ExecutorOptions{});
  Recorder rec;
  json args = kTranscode;
  args["wait_seconds"] = 0;
  auto r = e.run(plan("video_transcode", args), rec.call(true));
  REQUIRE(r.ok());
  CHECK((*r)["status"] == "running");
  CHECK((*r)["job_id"] == "fake-job-1");
  CHECK((*r)["tool"] == "video_transcode");
  CHECK((*r)["backend"] == "local");
  REQUIRE(rec.count() == 1);
  CHECK(rec.progress[0].second == "job fake-job-1 started");
  // After the answer the relay is detached: the job's progress no longer reaches the call.
  backend->progress("fake-job-1", 0.5);
  CHECK(rec.count() == 1);

  // job_status follows it to its end, with the job's result.
  std::thread finisher([&] {
    std::this_thread::sleep_for(50ms);
    backend->finish("fake-job-1", {{"target_key", "v/out.mp4"}, {"size", 7}});
  });
  auto done = e.job_status(JobStatusRequest{"fake-job-1", 10, false}, rec.call(false));
  finisher.join();
  REQUIRE(done.ok());
  CHECK((*done)["status"] == "succeeded");
  CHECK((*done)["size"] == 7);
  CHECK((*done)["job_id"] == "fake-job-1");
}

TEST_CASE(
    "executor: a job that ends within wait_seconds answers its result; progress is relayed "
    "while the call waits") {
  auto backend = std::make_shared<FakeBackend>();
  Executor e(backend, ExecutorOptions{});
  Recorder rec;
  json args = kTranscode;
  args["wait_seconds"] = 30;
  std::thread worker([&] {
    wait_for_call(*backend, "job ");  // started, and the call waits on it
    backend->progress("fake-job-1", 0.25);
    backend->finish("fake-job-1", {{"target_key", "v/out.mp4"}});
  });
  auto r = e.run(plan("video_transcode", args), rec.call(true));
  worker.join();
  REQUIRE(r.ok());
  CHECK((*r)["status"] == "succeeded");
  REQUIRE(rec.count() == 2);
  CHECK(rec.progress[1].first == 25.0);
  CHECK(rec.progress[1].second == "job fake-job-1: working");
}

TEST_CASE("executor: a failed job is the job's own error; job_status names the job") {
  auto backend = std::make_shared<FakeBackend>();
  Executor e(backend, ExecutorOptions{});
  json args = kTranscode;
  args["wait_seconds"] = 30;
  std::thread worker([&] {
    wait_for_call(*backend, "job ");
    backend->fail("fake-job-1", omm::Status::error("engine.ffmpeg", "ffmpeg failed: boom"));
  });
  auto r = e.run(plan("video_transcode", args), Call{});
  worker.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "engine.ffmpeg");
  CHECK(r.status().message() == "ffmpeg failed: boom");
  auto s = e.job_status(JobStatusRequest{"fake-job-1", 0, false}, Call{});
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().id() == "engine.ffmpeg");
  CHECK(s.status().message() == "job fake-job-1 (video_transcode) failed: ffmpeg failed: boom");
}

TEST_CASE("executor: notifications/cancelled stops a job only while it belongs to the call") {
  for (bool announces : {false, true}) {
    CAPTURE(announces);
    auto backend = std::make_shared<FakeBackend>();
    Executor e(backend, ExecutorOptions{});
    Recorder rec;
    json args = kTranscode;
    args["wait_seconds"] = 30;
    std::thread canceller([&] {
      wait_for_call(*backend, "job ");
      rec.cancel = true;
    });
    auto r = e.run(plan("video_transcode", args), rec.call(announces));
    canceller.join();
    auto calls = backend->recorded();
    bool cancelled = std::find(calls.begin(), calls.end(), "cancel_job fake-job-1") != calls.end();
    CHECK(cancelled == !announces);
    if (announces) {
      REQUIRE(r.ok());
      CHECK((*r)["status"] == "running");
    } else {
      CHECK(r.status().id() == "cancelled");
    }
  }
}

TEST_CASE("executor: what fails at once fails the call, never a job; messages lose server paths") {
  auto backend = std::make_shared<FakeBackend>();
  backend->check_status =
      omm::Status::error("object.NoSuchKey", "the object /srv/root/v/in.mp4 does not exist");
  Executor e(backend, ExecutorOptions{});
  auto r = e.run(plan("video_transcode", kTranscode), Call{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "object.NoSuchKey");
  CHECK(r.status().message() == "the object v/in.mp4 does not exist");
  auto calls = backend->recorded();
  CHECK(std::find(calls.begin(), calls.end(), "start_job video_transcode") == calls.end());
}

TEST_CASE("executor: job_status cancel and unknown ids") {
  auto backend = std::make_shared<FakeBackend>();
  Executor e(backend, ExecutorOptions{});
  json args = kTranscode;
  args["wait_seconds"] = 0;
  REQUIRE(e.run(plan("video_transcode", args), Call{}).ok());
  auto c = e.job_status(JobStatusRequest{"fake-job-1", 0, true}, Call{});
  REQUIRE(c.ok());
  CHECK((*c)["status"] == "canceled");
  CHECK((*c)["reason"] == "request");
  CHECK(e.job_status(JobStatusRequest{"nope", 0, false}, Call{}).status().id() == "job.not_found");
}

TEST_CASE("executor: object tools check the location first") {
  auto backend = std::make_shared<FakeBackend>();
  backend->refuse_location = true;
  Executor e(backend, ExecutorOptions{});
  omm::core::ObjectListRequest req;
  req.bucket = "other";
  CHECK(e.object_list(req).status().id() == "invalid_argument.object_list.bucket");
  CHECK(e.object_head("a.jpg", std::nullopt, "cn-beijing").status().id() ==
        "invalid_argument.object_head.bucket");
  auto head = e.object_head("a.jpg", std::nullopt, std::nullopt);
  REQUIRE(head.ok());
  CHECK((*head)["success"] == true);
  CHECK((*head)["target_key"] == "a.jpg");
}

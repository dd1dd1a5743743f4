#include "local/job_manager.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "proc/process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using omm::Result;
using omm::Status;
using omm::local::JobJournal;
using omm::local::JobManager;
using omm::local::JobManagerOptions;
using omm::local::JobRecord;
using omm::local::JobSpec;
using omm::local::JobState;
using omm::local::RunContext;
using namespace std::chrono_literals;

namespace {

struct TempRoot {
  TempRoot() {
    char tmpl[] = "/tmp/omm-jobs-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempRoot() { fs::remove_all(path); }
  std::string path;
};

// The journal in <root>/.jobs (tests only: the server keeps it in its state directory).
std::unique_ptr<JobManager> open_manager(const std::string& root, size_t max_running = 0,
                                         size_t max_queued = 16) {
  JobManagerOptions o;
  o.journal_dir = root + "/.jobs";
  o.partial_areas = {root};
  o.max_running = max_running;
  o.max_queued = max_queued;
  auto m = JobManager::open(o);
  REQUIRE(m.ok());
  return std::move(*m);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JobSpec spec(const std::string& root) {
  return JobSpec{"video_transcode", "video/convert,f_mp4", "v/out.mp4", "local-req", {root + "/v"}};
}

// Work that runs until its job is cancelled, then reports what the FFmpeg runner reports.
JobManager::Work until_cancelled(std::atomic<bool>* started = nullptr) {
  return [started](const RunContext& ctx) -> Result<json> {
    if (started) *started = true;
    while (!ctx.cancelled()) std::this_thread::sleep_for(5ms);
    return Status::error("cancelled", "the job was cancelled");
  };
}

std::string running_id() { return "local-job-0b7e58c8-4c2a-4f6e-9a51-2f3c4d5e6f70"; }

}  // namespace

TEST_CASE("job ids are local-job-<uuid v4> and nothing else is taken for one") {
  std::string id = omm::local::new_job_id();
  CHECK(id.rfind("local-job-", 0) == 0);
  CHECK(omm::local::is_local_job_id(id));
  CHECK(id[10 + 14] == '4');  // version nibble
  CHECK(id != omm::local::new_job_id());
  for (const char* bad : {"", "local-job-", "local-job-../../etc/passwd",
                          "local-job-0B7E58C8-4C2A-4F6E-9A51-2F3C4D5E6F70",
                          "local-0b7e58c8-4c2a-4f6e-9a51-2f3c4d5e6f70",
                          "local-job-0b7e58c8-4c2a-4f6e-9a51-2f3c4d5e6f70/x"}) {
    CAPTURE(bad);
    CHECK_FALSE(omm::local::is_local_job_id(bad));
  }
}

TEST_CASE("the journal writes records atomically and reads them back") {
  TempRoot t;
  JobJournal journal(t.path + "/.jobs");
  JobRecord r;
  r.job_id = running_id();
  r.state = JobState::kSucceeded;
  r.tool = "video_frames";
  r.operations = "video/snapshots,f_jpg";
  r.target_key = "v/frames/f";
  r.request_id = "local-1";
  r.partial_dirs = {t.path + "/v/frames"};
  r.created_ms = 1000;
  r.updated_ms = 2000;
  r.result = {{"success", true}, {"generated_keys", {"v/frames/f_0_1.jpg"}}};
  REQUIRE(journal.write(r));
  r.result["size"] = 7;  // a second write replaces the first
  REQUIRE(journal.write(r));

  auto back = journal.read(r.job_id);
  REQUIRE(back.ok());
  CHECK(back->state == JobState::kSucceeded);
  CHECK(back->tool == "video_frames");
  CHECK(back->operations == "video/snapshots,f_jpg");
  CHECK(back->target_key == "v/frames/f");
  CHECK(back->request_id == "local-1");
  CHECK(back->partial_dirs == r.partial_dirs);
  CHECK(back->created_ms == 1000);
  CHECK(back->updated_ms == 2000);
  CHECK(back->result == r.result);
  CHECK(journal.ids() == std::vector<std::string>{r.job_id});
  int files = 0;
  for (const auto& e : fs::directory_iterator(t.path + "/.jobs")) {
    ++files;
    CHECK(e.path().filename().string() == r.job_id + ".json");  // no temporary file left
  }
  CHECK(files == 1);

  r.state = JobState::kFailed;
  r.error_id = "engine.ffmpeg";
  r.error_message = "ffmpeg exited with 1";
  REQUIRE(journal.write(r));
  back = journal.read(r.job_id);
  REQUIRE(back.ok());
  CHECK(back->error_id == "engine.ffmpeg");
  CHECK(back->error_message == "ffmpeg exited with 1");
  CHECK(journal.read("local-job-00000000-0000-4000-8000-000000000000").status().id() ==
        "job.not_found");
  std::ofstream(journal.path_of("local-job-11111111-1111-4111-8111-111111111111")) << "{oops";
  CHECK(journal.read("local-job-11111111-1111-4111-8111-111111111111").status().id() ==
        "job.journal");
}

TEST_CASE("a job runs after start returns, and its result is journaled") {
  TempRoot t;
  auto jobs = open_manager(t.path);
  std::atomic<bool> release{false};
  std::vector<double> fractions;
  std::mutex fractions_mu;
  auto id = jobs->start(
      spec(t.path),
      [&](const RunContext& ctx) -> Result<json> {
        ctx.progress(0.5, "50%");
        while (!release) std::this_thread::sleep_for(5ms);
        return json{{"success", true}, {"target_key", "v/out.mp4"}};
      },
      [&](double f, const std::string&) {
        std::lock_guard lock(fractions_mu);
        fractions.push_back(f);
      });
  REQUIRE(id.ok());
  CHECK(omm::local::is_local_job_id(*id));
  auto running = jobs->journal().read(*id);
  REQUIRE(running.ok());
  CHECK(running->state == JobState::kRunning);
  CHECK(running->tool == "video_transcode");
  CHECK(running->created_ms > 0);

  release = true;
  auto done = jobs->wait(*id, 10s);
  REQUIRE(done.ok());
  CHECK(done->state == JobState::kSucceeded);
  CHECK(done->result["job_id"] == *id);
  CHECK(done->result["status"] == "succeeded");
  CHECK(done->result["target_key"] == "v/out.mp4");
  {
    std::lock_guard lock(fractions_mu);
    CHECK(fractions == std::vector<double>{0.5});
  }
  // A restarted server answers from the journal.
  jobs.reset();
  auto again = open_manager(t.path);
  auto after = again->status(*id);
  REQUIRE(after.ok());
  CHECK(after->state == JobState::kSucceeded);
  CHECK(after->result == done->result);
}

TEST_CASE("a failed job keeps its own error id") {
  TempRoot t;
  auto jobs = open_manager(t.path);
  auto id = jobs->start(spec(t.path), [](const RunContext&) -> Result<json> {
    return Status::error("engine.decode", "cannot read in.mov");
  });
  REQUIRE(id.ok());
  auto r = jobs->wait(*id, 10s);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kFailed);
  CHECK(r->error_id == "engine.decode");
  CHECK(r->error_message == "cannot read in.mov");
  CHECK(jobs->journal().read(*id)->error_id == "engine.decode");
}

TEST_CASE("wait returns the running record when the timeout passes") {
  TempRoot t;
  std::string id;
  {
    auto jobs = open_manager(t.path);
    auto started = jobs->start(spec(t.path), until_cancelled());
    REQUIRE(started.ok());
    id = *started;
    auto t0 = std::chrono::steady_clock::now();
    auto r = jobs->wait(id, 150ms);
    auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE(r.ok());
    CHECK(r->state == JobState::kRunning);
    CHECK(waited >= 150ms);
    CHECK(waited < 5s);
  }  // shutdown cancels the running job
  auto r = JobJournal(t.path + "/.jobs").read(id);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kCanceled);
  CHECK(r->reason == "shutdown");
}

TEST_CASE("cancel ends a running job; cancelling a finished job changes nothing") {
  TempRoot t;
  auto jobs = open_manager(t.path);
  std::atomic<bool> started{false};
  auto id = jobs->start(spec(t.path), until_cancelled(&started));
  REQUIRE(id.ok());
  while (!started) std::this_thread::sleep_for(1ms);
  auto r = jobs->cancel(*id, 10s);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kCanceled);
  CHECK(r->reason == "request");
  CHECK(jobs->journal().read(*id)->state == JobState::kCanceled);

  auto ok = jobs->start(spec(t.path), [](const RunContext&) -> Result<json> {
    return json{{"success", true}};
  });
  REQUIRE(ok.ok());
  REQUIRE(jobs->wait(*ok, 10s)->state == JobState::kSucceeded);
  auto again = jobs->cancel(*ok, 1s);
  REQUIRE(again.ok());
  CHECK(again->state == JobState::kSucceeded);
  CHECK(again->result["success"] == true);
}

TEST_CASE("unknown and malformed ids are job.not_found naming the id") {
  TempRoot t;
  auto jobs = open_manager(t.path);
  for (const std::string& id : {std::string("nope"), std::string("local-job-../../x"),
                                std::string("local-job-00000000-0000-4000-8000-000000000000")}) {
    CAPTURE(id);
    auto r = jobs->status(id);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "job.not_found");
    CHECK(r.status().message().find(id) != std::string::npos);
    CHECK(jobs->cancel(id, 0ms).status().id() == "job.not_found");
  }
}

TEST_CASE("opening the journal marks jobs of a dead server interrupted and prunes old ones") {
  TempRoot t;
  JobJournal journal(t.path + "/.jobs");
  const std::int64_t now = now_ms();
  fs::create_directories(t.path + "/v");

  JobRecord running;
  running.job_id = running_id();
  running.tool = "video_transcode";
  running.target_key = "v/out.mp4";
  running.partial_dirs = {t.path + "/v"};
  running.created_ms = running.updated_ms = now - 1000;
  REQUIRE(journal.write(running));
  // Its partial output, and a hidden file of an older job that is not its to remove.
  std::ofstream(t.path + "/v/.omm-part-0123abcd.tmp") << "partial";
  std::ofstream(t.path + "/v/.omm-part-older.tmp") << "older";
  fs::last_write_time(t.path + "/v/.omm-part-older.tmp",
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  std::ofstream(t.path + "/v/keep.mp4") << "an object";

  JobRecord old_done = running;
  old_done.job_id = "local-job-22222222-2222-4222-8222-222222222222";
  old_done.state = JobState::kSucceeded;
  old_done.updated_ms = now - 8LL * 24 * 3600 * 1000;
  REQUIRE(journal.write(old_done));
  JobRecord recent_done = old_done;
  recent_done.job_id = "local-job-33333333-3333-4333-8333-333333333333";
  recent_done.updated_ms = now - 6LL * 24 * 3600 * 1000;
  REQUIRE(journal.write(recent_done));
  std::ofstream(t.path + "/.jobs/." + running.job_id + ".json.tmp-dead") << "{";

  auto jobs = open_manager(t.path);
  auto r = jobs->status(running.job_id);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kFailed);
  CHECK(r->error_id == "job.interrupted");
  CHECK(r->error_message.find(running.job_id) != std::string::npos);
  CHECK(r->error_message.find("partial output was removed") != std::string::npos);
  CHECK_FALSE(fs::exists(t.path + "/v/.omm-part-0123abcd.tmp"));
  CHECK(fs::exists(t.path + "/v/.omm-part-older.tmp"));
  CHECK(fs::exists(t.path + "/v/keep.mp4"));
  CHECK(journal.read(running.job_id)->error_id == "job.interrupted");

  CHECK(jobs->status(old_done.job_id).status().id() == "job.not_found");
  CHECK_FALSE(fs::exists(journal.path_of(old_done.job_id)));
  CHECK(jobs->status(recent_done.job_id)->state == JobState::kSucceeded);
  CHECK_FALSE(fs::exists(t.path + "/.jobs/." + running.job_id + ".json.tmp-dead"));
}

TEST_CASE("jobs are bounded: a slot each, a queue, then server.busy at once") {
  TempRoot t;
  auto jobs = open_manager(t.path, /*max_running=*/1, /*max_queued=*/1);
  std::atomic<bool> first_started{false};
  std::atomic<bool> second_started{false};
  auto first = jobs->start(spec(t.path), until_cancelled(&first_started));
  REQUIRE(first.ok());
  while (!first_started) std::this_thread::sleep_for(1ms);
  auto second = jobs->start(spec(t.path), until_cancelled(&second_started));
  REQUIRE(second.ok());
  auto queued = jobs->status(*second);
  REQUIRE(queued.ok());
  CHECK(queued->state == JobState::kRunning);
  CHECK(queued->queued);
  CHECK(jobs->journal().read(*second)->queued);

  auto t0 = std::chrono::steady_clock::now();
  auto third = jobs->start(spec(t.path), until_cancelled());
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
  REQUIRE_FALSE(third.ok());
  CHECK(third.status().id() == "server.busy");
  CHECK(third.status().message().find("--max-jobs 1") != std::string::npos);

  // A queued job that is cancelled never runs; the running one then frees its slot.
  auto r = jobs->cancel(*second, 10s);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kCanceled);
  CHECK_FALSE(second_started);
  REQUIRE(jobs->cancel(*first, 10s)->state == JobState::kCanceled);
  auto next = jobs->start(spec(t.path), [](const RunContext&) -> Result<json> {
    return json{{"success", true}};
  });
  REQUIRE(next.ok());
  auto done = jobs->wait(*next, 10s);
  REQUIRE(done.ok());
  CHECK(done->state == JobState::kSucceeded);
  CHECK_FALSE(done->queued);
}

TEST_CASE("a queued job starts when a slot comes free") {
  TempRoot t;
  auto jobs = open_manager(t.path, 1, 4);
  std::atomic<bool> release{false};
  auto first = jobs->start(spec(t.path), [&](const RunContext&) -> Result<json> {
    while (!release) std::this_thread::sleep_for(1ms);
    return json{{"n", 1}};
  });
  auto second = jobs->start(spec(t.path), [](const RunContext&) -> Result<json> {
    return json{{"n", 2}};
  });
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(jobs->wait(*second, 200ms)->state == JobState::kRunning);  // waits for the slot
  release = true;
  auto r = jobs->wait(*second, 10s);
  REQUIRE(r.ok());
  CHECK(r->state == JobState::kSucceeded);
  CHECK(r->result["n"] == 2);
}

namespace {

pid_t spawn_sleep() {
  omm::proc::SpawnRequest request;
  request.argv = {"sleep", "30"};
  auto pid = omm::proc::spawn_process(request);
  REQUIRE(pid.ok());
  return *pid;
}

bool alive(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return false;
  return ::kill(pid, 0) == 0;
}

}  // namespace

TEST_CASE(
    "recovery kills the recorded children that are still the same processes, and only "
    "touches partial output inside its areas") {
  TempRoot t;
  TempRoot elsewhere;  // not an area of this manager
  JobJournal journal(t.path + "/.jobs");
  const std::int64_t now = now_ms();
  pid_t ours = spawn_sleep();
  pid_t stranger = spawn_sleep();  // recorded with a start time that is not its own
  omm::proc::ProcessIdentity id = omm::proc::process_identity(ours);
  omm::proc::ProcessIdentity other = omm::proc::process_identity(stranger);
  REQUIRE(id.valid());
  REQUIRE(other.valid());

  JobRecord r;
  r.job_id = running_id();
  r.tool = "video_transcode";
  r.partial_dirs = {t.path + "/v", elsewhere.path};
  r.children = {{id.pid, id.start_ticks, id.boot_id},
                {other.pid, other.start_ticks + 1, other.boot_id}};
  r.created_ms = r.updated_ms = now - 1000;
  REQUIRE(journal.write(r));
  fs::create_directories(t.path + "/v");
  std::ofstream(t.path + "/v/.omm-part-1.tmp") << "partial";
  std::ofstream(elsewhere.path + "/.omm-part-2.tmp") << "not ours to remove";

  auto jobs = open_manager(t.path);
  CHECK(jobs->status(r.job_id)->error_id == "job.interrupted");
  CHECK_FALSE(alive(ours));
  CHECK(alive(stranger));
  CHECK_FALSE(fs::exists(t.path + "/v/.omm-part-1.tmp"));
  CHECK(fs::exists(elsewhere.path + "/.omm-part-2.tmp"));
  ::kill(stranger, SIGKILL);
  ::waitpid(stranger, nullptr, 0);
}

TEST_CASE("a job records the children it starts, with their identity") {
  TempRoot t;
  auto jobs = open_manager(t.path);
  pid_t child = spawn_sleep();
  auto id = jobs->start(spec(t.path), [child](const RunContext& ctx) -> Result<json> {
    ctx.child_started(child);
    return json{{"success", true}};
  });
  REQUIRE(id.ok());
  auto r = jobs->wait(*id, 10s);
  REQUIRE(r.ok());
  REQUIRE(r->children.size() == 1);
  CHECK(r->children[0].pid == child);
  CHECK(r->children[0].start_ticks == omm::proc::process_identity(child).start_ticks);
  CHECK(jobs->journal().read(*id)->children.size() == 1);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
}

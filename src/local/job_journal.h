// JobJournal: the on-disk record of the local backend's async jobs, one JSON file per job in the
// server's own state directory (`<state>/jobs/<root tag>/<job_id>.json`, state_dir.h), never in
// the bucket: nothing a client writes through a tool is ever read back as a record
// (docs/local-backend.md "Async jobs and the journal").
//
// A record is written when a job starts (status running) and again at its terminal state
// (succeeded with the full result, failed with the error id and message, canceled). Every write
// goes to a hidden temporary file in the same directory, is flushed to disk and renamed over the
// record, so a reader (or a server started after a crash) sees either the old or the new record,
// never a torn one. Thread-safe (the filesystem is the only state); concurrent writes of the
// same id are the caller's business.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace omm::local {

enum class JobState { kRunning, kSucceeded, kFailed, kCanceled };

std::string_view to_string(JobState state);  // running | succeeded | failed | canceled
std::optional<JobState> job_state_from(std::string_view text);

struct JobRecord {
  std::string job_id;  // local-job-<uuid v4>
  JobState state = JobState::kRunning;
  std::string tool;        // the async tool that started it (video_transcode, …)
  std::string operations;  // the normalised process string
  std::string target_key;  // empty for JSON-only jobs (image_watermark_extract)
  std::string request_id;  // local-<uuid>, the same in the running answer and the result
  // Directories where the job writes hidden `.omm-part-*` temporary names; after a crash the
  // ones modified since the job started are its partial output.
  std::vector<std::string> partial_dirs;
  // The child processes the job started (pid and start time, ChildIdentity), so that a server
  // started after a crash kills exactly those and nothing that merely reused a pid.
  struct Child {
    int pid = 0;
    unsigned long long start_ticks = 0;
    std::string boot_id;
  };
  std::vector<Child> children;
  bool queued = false;          // running: still waiting for a free job slot (--max-jobs)
  std::int64_t created_ms = 0;  // Unix epoch milliseconds
  std::int64_t updated_ms = 0;
  nlohmann::json result;  // succeeded: the job's full result (with job_id and status)
  std::string error_id;   // failed: the job's own error id (engine.ffmpeg, job.interrupted …)
  std::string error_message;
  std::string reason;  // canceled: "request" (job_status cancel) | "shutdown"

  bool terminal() const { return state != JobState::kRunning; }
};

nlohmann::json to_json(const JobRecord& record);
// Ids: job.journal (not an object, unknown status, missing job_id).
Result<JobRecord> job_record_from_json(const nlohmann::json& j);

class JobJournal {
 public:
  // `dir` is `<root>/.jobs`; it is created on the first write.
  explicit JobJournal(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string path_of(std::string_view job_id) const;

  // Atomic replace (temporary file, fsync, rename). Ids: local.io.
  Status write(const JobRecord& record) const;
  // Ids: job.not_found (no file), job.journal (unreadable or malformed).
  Result<JobRecord> read(std::string_view job_id) const;
  Status remove(std::string_view job_id) const;
  // The ids of every record file (names ending in .json, temporary files excluded).
  std::vector<std::string> ids() const;
  // Removes temporary files left by a writer that died between write and rename.
  void remove_stale_temporaries() const;

 private:
  std::string dir_;
};

}  // namespace omm::local

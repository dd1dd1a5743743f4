// BatchRunner: batch_process as a job of the execution core, the same on every backend
// (DESIGN.md "Results": batch_process).
//
// A batch lists its items (ListObjectsV2 pages of the backend, or the given keys), reads its
// manifest (batch_manifest.h) and runs what is not done yet, at most `max_items` per call, on a
// bounded number of items at once (the backend's batch_concurrency(): the engine pool on the
// local backend, parallel requests on the oss backend). Each item is the tool's own plan run on
// the backend (async tools as the backend's jobs, waited for). An item's failure is recorded
// and the batch goes on (status `partial`). Progress reports done/total.
//
// Resume: calling again with the same batch_id runs only what is not done. An item recorded
// done whose output still exists is skipped; one that was running when the server stopped
// (`started` without an end) counts as done when its output exists — outputs are written
// whole (temporary name + rename, sys/saveas), so nothing is done twice or rewritten — and runs
// again otherwise; failed and canceled items run again.
//
// The job id is "batch-<batch_id>"; job_status answers it (after a restart from the manifest).
// Cancel stops taking items and cancels the running ones; the manifest stays consistent.
// Bounded: `max_batches` run at once ([server.busy] beyond). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "core/backend.h"
#include "core/batch_request.h"
#include "core/status.h"

namespace omm::core {

struct BatchOptions {
  std::string dir;         // where manifests live (the server's own); empty: no batches
  size_t max_batches = 2;  // batches running at once
  size_t concurrency = 0;  // items at once; 0: the backend's batch_concurrency()
  std::int64_t max_wait_seconds = 600;
  PlanOptions plan_options;
  std::function<std::int64_t()> now_ms;  // default: the system clock
};

class BatchRunner {
 public:
  BatchRunner(Backend& backend, BatchOptions options);
  ~BatchRunner();  // cancels running batches and waits for them

  static bool is_batch_job(std::string_view job_id);

  // Starts (or, while it runs, joins) the batch. `context.progress` gets done/total.
  Result<JobTicket> start(const BatchRequest& request, const RunContext& context);
  Result<JobView> view(const std::string& job_id, std::chrono::milliseconds wait,
                       const RunContext& context);
  Result<JobView> cancel(const std::string& job_id, std::chrono::milliseconds wait);
  // What refuses the whole batch before anything is listed or started, for a dry run and a
  // real one alike: the arguments as the tool takes them and the backend's check_request, on
  // the plan of one item (the first key, or a key under the prefix with the first suffix).
  Status check(const BatchRequest& request);
  // What a run would do: the items, their outputs, how many; nothing runs. The same checks as
  // the run (every item's plan is built).
  Result<nlohmann::json> dry_run(const BatchRequest& request);
  // The manifest of a batch (resources/read of its `manifest` URI).
  Result<std::string> manifest_text(const std::string& batch_id);

 private:
  struct Batch;
  void run(const std::shared_ptr<Batch>& batch);
  Result<std::vector<std::string>> list_items(const BatchRequest& request, std::size_t* filtered);
  JobView view_of(const Batch& batch) const;
  std::int64_t now_ms() const;

  Backend& backend_;
  BatchOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Batch>> batches_;  // by batch_id, this process's
};

// "oss-media://batch/<batch_id>": where a batch's manifest is read.
std::string batch_manifest_uri(const std::string& batch_id);

}  // namespace omm::core

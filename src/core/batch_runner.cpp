#include "core/batch_runner.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>
#include <vector>

#include "core/batch_manifest.h"
#include "core/random_id.h"
#include "core/render.h"

namespace omm::core {

using nlohmann::json;

namespace {

constexpr std::string_view kJobPrefix = "batch-";
constexpr std::size_t kMaxResultItems = 50;

std::string new_batch_id() { return random_hex(8); }

Status unavailable() {
  return Status::error("batch.unavailable", "batches need the server's state directory");
}

// Failures first, then the rest in the order they ended.
json sorted_items(const std::vector<json>& items) {
  json out = json::array();
  for (const json& i : items) {
    if (i.value("status", "") == "failed") out.push_back(i);
  }
  for (const json& i : items) {
    if (i.value("status", "") != "failed") out.push_back(i);
  }
  return out;
}

}  // namespace

std::string batch_manifest_uri(const std::string& batch_id) {
  return "oss-media://batch/" + batch_id;
}

struct BatchRunner::Batch {
  BatchRequest request;
  std::optional<BatchManifest> manifest;
  std::thread thread;
  std::atomic<bool> cancel{false};
  std::mutex mu;  // guards everything below
  std::condition_variable cv;
  bool done = false;
  std::string status = "running";  // running | succeeded | partial | failed | canceled
  std::size_t total = 0;
  std::size_t finished = 0;  // done (now or before)
  std::size_t failed = 0;
  std::size_t skipped = 0;    // done before: not run again
  std::size_t remaining = 0;  // left for a later call (max_items)
  std::size_t filtered = 0;   // under the prefix but without a chosen suffix
  Status error;               // the batch itself could not run (listing failed …)
  std::vector<json> items;    // at most kMaxResultItems, failures first
  std::function<void(double, const std::string&)> progress;
};

BatchRunner::BatchRunner(Backend& backend, BatchOptions options)
    : backend_(backend), options_(std::move(options)) {
  if (!options_.now_ms) {
    options_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

BatchRunner::~BatchRunner() {
  std::vector<std::shared_ptr<Batch>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, b] : batches_) all.push_back(b);
  }
  for (auto& b : all) b->cancel = true;
  for (auto& b : all) {
    if (b->thread.joinable()) b->thread.join();
  }
}

std::int64_t BatchRunner::now_ms() const { return options_.now_ms(); }

bool BatchRunner::is_batch_job(std::string_view job_id) {
  return job_id.substr(0, kJobPrefix.size()) == kJobPrefix;
}

Result<std::vector<std::string>> BatchRunner::list_items(const BatchRequest& r,
                                                         std::size_t* filtered) {
  *filtered = 0;
  if (!r.by_prefix) return r.keys;
  std::vector<std::string> keys;
  ObjectListRequest page;
  page.prefix = r.prefix;
  page.max_keys = 1000;
  page.bucket = r.bucket;
  for (;;) {
    auto listed = backend_.list_objects(page);
    if (!listed.ok()) return listed.status();
    const json& data = (*listed)["data"];
    for (const json& o : data.value("objects", json::array())) {
      std::string key = o.value("key", "");
      if (batch_selects(r, key)) {
        keys.push_back(std::move(key));
      } else {
        ++*filtered;
      }
    }
    if (keys.size() > kMaxBatchListing) {
      return Status::error("invalid_argument.batch_process.source",
                           fmt::format("more than {} objects under {}: choose a narrower prefix",
                                       kMaxBatchListing, r.prefix));
    }
    if (!data.value("is_truncated", false)) break;
    page.continuation_token = data.value("next_continuation_token", "");
    if (page.continuation_token.empty()) break;
  }
  return keys;
}

Status BatchRunner::check(const BatchRequest& r) {
  std::string sample = r.prefix + "item" + (r.suffixes.empty() ? "" : r.suffixes.front());
  if (!r.by_prefix) {
    if (r.keys.empty()) return Status::ok();
    sample = r.keys.front();
  }
  auto plan = batch_item_plan(r, sample, options_.plan_options);
  if (!plan.ok()) return plan.status();
  return backend_.check_request(*plan);
}

Result<json> BatchRunner::dry_run(const BatchRequest& r) {
  std::size_t filtered = 0;
  auto keys = list_items(r, &filtered);
  if (!keys.ok()) return keys.status();
  json items = json::array();
  std::string process;
  for (const std::string& key : *keys) {
    auto plan = batch_item_plan(r, key, options_.plan_options);
    if (!plan.ok()) return plan.status();  // what the run would refuse, refused now
    if (process.empty()) process = render_operations(*plan);
    if (items.size() < kMaxResultItems) {
      json item{{"key", key}};
      std::string out = batch_item_output(r, key);
      if (r.output == BatchRequest::Output::kSave) item["target_key"] = out;
      if (r.output == BatchRequest::Output::kDownload) item["path"] = out;
      items.push_back(std::move(item));
    }
  }
  return json{
      {"success", true},          {"dry_run", true},
      {"tool", r.tool},           {"operations", process},
      {"total", keys->size()},    {"would_run", std::min<std::size_t>(keys->size(), r.max_items)},
      {"filtered_out", filtered}, {"items", items}};
}

Result<JobTicket> BatchRunner::start(const BatchRequest& request, const RunContext& context) {
  if (options_.dir.empty()) return unavailable();
  BatchRequest r = request;
  if (r.batch_id.empty()) r.batch_id = new_batch_id();
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = batches_.find(r.batch_id); it != batches_.end()) {
    std::lock_guard<std::mutex> b(it->second->mu);
    if (!it->second->done) {
      if (it->second->request.batch_id == r.batch_id &&
          batch_definition(it->second->request) != batch_definition(r)) {
        return Status::error("invalid_argument.batch_process.batch_id",
                             fmt::format("batch {} is running other work", r.batch_id));
      }
      return JobTicket{std::string(kJobPrefix) + r.batch_id, std::nullopt};  // join it
    }
  }
  std::size_t running = 0;
  for (auto it = batches_.begin(); it != batches_.end();) {
    std::unique_lock<std::mutex> b(it->second->mu);
    if (it->second->done) {
      b.unlock();
      if (it->second->thread.joinable()) it->second->thread.join();
      it = batches_.erase(it);
      continue;
    }
    ++running;
    ++it;
  }
  if (running >= options_.max_batches) {
    return Status::error("server.busy",
                         fmt::format("{} batches are running, the most this server runs at once; "
                                     "wait for one (job_status) or retry later",
                                     running));
  }
  auto manifest = BatchManifest::open(options_.dir, r.batch_id, batch_definition(r));
  if (!manifest.ok()) return manifest.status();
  auto batch = std::make_shared<Batch>();
  batch->request = r;
  batch->manifest = std::move(*manifest);
  batch->progress = context.progress;
  batches_[r.batch_id] = batch;
  batch->thread = std::thread([this, batch] { run(batch); });
  return JobTicket{std::string(kJobPrefix) + r.batch_id, std::nullopt};
}

void BatchRunner::run(const std::shared_ptr<Batch>& batch) {
  const BatchRequest& r = batch->request;
  const BatchManifest& manifest = *batch->manifest;
  auto finish = [&](std::string status, Status error = Status::ok()) {
    {
      std::lock_guard<std::mutex> lock(batch->mu);
      batch->status = std::move(status);
      batch->error = std::move(error);
      batch->done = true;
    }
    batch->cv.notify_all();
  };
  std::size_t filtered = 0;
  auto keys = list_items(r, &filtered);
  if (!keys.ok()) return finish("failed", keys.status());

  // Where each item stands from earlier runs.
  std::map<std::string, ManifestEntry> before = manifest.latest();
  std::vector<std::string> pending;
  std::size_t previously_done = 0;
  for (const std::string& key : *keys) {
    auto it = before.find(key);
    if (it != before.end() && it->second.status == "started") {
      // The server stopped while this item ran: what it left half-written goes.
      auto plan = batch_item_plan(r, key, options_.plan_options);
      if (plan.ok()) backend_.discard_partial(*plan);
    }
    if (it != before.end() && (it->second.status == "done" || it->second.status == "started")) {
      const ManifestEntry& e = it->second;
      bool output_there = true;
      if (r.output == BatchRequest::Output::kSave) {
        std::string out = e.output.empty() ? batch_item_output(r, key) : e.output;
        output_there = backend_.head_object(out, r.bucket).ok();
        if (e.status == "started" && output_there) {
          // Written whole before the server stopped: recorded now, not written again.
          ManifestEntry done{key, "done", out, "", "", nullptr, now_ms()};
          (void)manifest.append(done);
        }
      } else if (e.status == "started") {
        output_there = false;  // a download or data we cannot vouch for: run it again
      }
      if (output_there) {
        ++previously_done;
        continue;
      }
    }
    pending.push_back(key);
  }
  const std::size_t limit = static_cast<std::size_t>(r.max_items);
  std::size_t remaining = pending.size() > limit ? pending.size() - limit : 0;
  if (pending.size() > limit) pending.resize(limit);
  {
    std::lock_guard<std::mutex> lock(batch->mu);
    batch->total = keys->size();
    batch->finished = previously_done;
    batch->skipped = previously_done;
    batch->remaining = remaining;
    batch->filtered = filtered;
  }

  std::atomic<std::size_t> next{0};
  size_t workers = options_.concurrency > 0 ? options_.concurrency : backend_.batch_concurrency();
  workers = std::clamp<size_t>(workers, 1, 16);
  workers = std::min(workers, std::max<size_t>(pending.size(), 1));
  auto record = [&](const std::string& key, ManifestEntry entry, json item) {
    (void)manifest.append(entry);
    std::size_t done_now = 0;
    std::size_t total = 0;
    {
      std::lock_guard<std::mutex> lock(batch->mu);
      if (entry.status == "done") ++batch->finished;
      if (entry.status == "failed") ++batch->failed;
      if (batch->items.size() < kMaxResultItems) {
        batch->items.push_back(std::move(item));
      } else if (entry.status == "failed") {
        // Failures first: replace a success.
        auto ok = std::find_if(batch->items.rbegin(), batch->items.rend(),
                               [](const json& i) { return i.value("status", "") == "done"; });
        if (ok != batch->items.rend()) *ok = std::move(item);
      }
      done_now = batch->finished + batch->failed;
      total = batch->total;
    }
    if (batch->progress && total > 0) {
      batch->progress(static_cast<double>(done_now) / static_cast<double>(total),
                      fmt::format("{}/{} items", done_now, total));
    }
    (void)key;
  };
  RunContext item_context;
  item_context.cancelled = [batch] { return batch->cancel.load(); };
  auto work = [&] {
    for (;;) {
      if (batch->cancel) return;
      std::size_t i = next.fetch_add(1);
      if (i >= pending.size()) return;
      const std::string& key = pending[i];
      json item{{"key", key}};
      const std::string out = batch_item_output(r, key);
      if (r.output == BatchRequest::Output::kSave) item["target_key"] = out;
      if (r.output == BatchRequest::Output::kDownload) item["path"] = out;
      (void)manifest.append(ManifestEntry{key, "started", "", "", "", nullptr, now_ms()});
      Result<json> result = Status::error("internal", "not run");
      auto plan = batch_item_plan(r, key, options_.plan_options);
      if (!plan.ok()) {
        result = plan.status();
      } else if (plan->category == Category::kAsync) {
        auto ticket = backend_.start_job(*plan, item_context);
        if (!ticket.ok()) {
          result = ticket.status();
        } else {
          Result<JobView> view = ticket->done ? Result<JobView>(*ticket->done)
                                              : Status::error("internal", "not started");
          while (!ticket->done && !batch->cancel) {
            view = backend_.job(ticket->id, std::chrono::seconds(options_.max_wait_seconds),
                                item_context);
            if (!view.ok() || view->terminal()) break;
          }
          if (!ticket->done && batch->cancel && (!view.ok() || !view->terminal())) {
            view = backend_.cancel_job(ticket->id, std::chrono::seconds(30));
          }
          if (!view.ok()) {
            result = view.status();
          } else if (view->phase == JobPhase::kSucceeded) {
            result = view->fields;
          } else if (view->phase == JobPhase::kFailed) {
            result = view->error;
          } else {
            result = Status::error("cancelled", "the batch was canceled");
          }
        }
      } else {
        result = backend_.run(*plan, item_context);
      }
      ManifestEntry entry{key, "done", out, "", "", nullptr, now_ms()};
      if (result.ok()) {
        item["status"] = "done";
        if (r.output == BatchRequest::Output::kNone && result->contains("data")) {
          entry.data = (*result)["data"];
          item["data"] = entry.data;
        }
        if (r.output == BatchRequest::Output::kDownload && result->contains("path")) {
          item["path"] = (*result)["path"];
        }
      } else if (batch->cancel && result.status().id() == "cancelled") {
        entry.status = "canceled";
        entry.output.clear();
        item["status"] = "canceled";
      } else {
        Status s = backend_.without_server_paths(result.status());
        entry.status = "failed";
        entry.output.clear();
        entry.error_id = s.id();
        entry.error_message = s.message();
        item["status"] = "failed";
        item["error"] = s.to_string();
      }
      record(key, std::move(entry), std::move(item));
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();

  std::lock_guard<std::mutex> lock(batch->mu);
  std::string status;
  if (batch->cancel) {
    status = "canceled";
  } else if (batch->failed == 0 && batch->remaining == 0) {
    status = "succeeded";
  } else if (batch->finished == 0 && batch->failed > 0) {
    status = "failed";
  } else {
    status = "partial";
  }
  batch->status = status;
  batch->done = true;
  batch->cv.notify_all();
}

JobView BatchRunner::view_of(const Batch& b) const {
  JobView v;
  v.id = std::string(kJobPrefix) + b.request.batch_id;
  json& f = v.fields;
  f = {{"batch_id", b.request.batch_id},
       {"tool", b.request.tool},
       {"status", b.status},
       {"total", b.total},
       {"done", b.finished},
       {"failed", b.failed},
       {"skipped", b.skipped},
       {"items", sorted_items(b.items)},
       {"manifest", batch_manifest_uri(b.request.batch_id)}};
  if (b.remaining > 0) f["remaining"] = b.remaining;
  if (b.filtered > 0) f["filtered_out"] = b.filtered;
  if (!b.done) {
    v.phase = JobPhase::kRunning;
  } else if (!b.error.is_ok()) {
    v.phase = JobPhase::kFailed;
    v.error = backend_.without_server_paths(b.error);
  } else if (b.status == "canceled") {
    v.phase = JobPhase::kCanceled;
    v.reason = "request";
  } else {
    v.phase = JobPhase::kSucceeded;  // the batch ran; per-item outcomes are in its fields
  }
  return v;
}

Result<JobView> BatchRunner::view(const std::string& job_id, std::chrono::milliseconds wait,
                                  const RunContext& context) {
  const std::string id = job_id.substr(std::min(job_id.size(), kJobPrefix.size()));
  std::shared_ptr<Batch> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = batches_.find(id); it != batches_.end()) batch = it->second;
  }
  if (!batch) {
    // Not run by this process: what the manifest says.
    if (options_.dir.empty() || !BatchManifest::exists(options_.dir, id)) {
      return Status::error("job.not_found", fmt::format("no batch {} (ids look like "
                                                        "batch-<batch_id>)",
                                                        job_id.substr(0, 80)));
    }
    auto manifest = BatchManifest::open_existing(options_.dir, id);
    if (!manifest.ok()) return manifest.status();
    const json& definition = manifest->definition();
    JobView v;
    v.id = job_id;
    v.phase = JobPhase::kSucceeded;
    std::size_t done = 0;
    std::size_t failed = 0;
    std::size_t interrupted = 0;
    for (const auto& [key, e] : manifest->latest()) {
      done += e.status == "done";
      failed += e.status == "failed";
      interrupted += e.status == "started";
    }
    v.fields = {{"batch_id", id},
                {"tool", definition.value("tool", "")},
                {"status", "partial"},
                {"done", done},
                {"failed", failed},
                {"interrupted", true},
                {"manifest", batch_manifest_uri(id)},
                {"message", fmt::format("no server runs batch {} now ({} items were running "
                                        "when it stopped); call batch_process again with "
                                        "batch_id \"{}\" to finish it",
                                        id, interrupted, id)}};
    return v;
  }
  std::unique_lock<std::mutex> lock(batch->mu);
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (!batch->done && std::chrono::steady_clock::now() < deadline) {
    if (context.cancelled && context.cancelled()) break;
    batch->cv.wait_for(lock, std::chrono::milliseconds(100));
  }
  return view_of(*batch);
}

Result<JobView> BatchRunner::cancel(const std::string& job_id, std::chrono::milliseconds wait) {
  const std::string id = job_id.substr(std::min(job_id.size(), kJobPrefix.size()));
  std::shared_ptr<Batch> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = batches_.find(id); it != batches_.end()) batch = it->second;
  }
  if (batch) batch->cancel = true;
  return view(job_id, wait, RunContext{});
}

Result<std::string> BatchRunner::manifest_text(const std::string& batch_id) {
  if (options_.dir.empty() || !BatchManifest::exists(options_.dir, batch_id)) {
    return Status::error("resource.not_found",
                         "Resource not found: " + batch_manifest_uri(batch_id));
  }
  auto manifest = BatchManifest::open_existing(options_.dir, batch_id);
  if (!manifest.ok()) return manifest.status();
  return manifest->text(8u << 20);
}

}  // namespace omm::core

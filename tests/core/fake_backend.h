// FakeBackend: a core::Backend in memory, for driving the executor and the tool families without
// files, engines or a network (leveldb's Env habit). It records every call; jobs are entries a
// test moves along (finish(), fail()); run() answers what `on_run` says.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/render.h"

namespace omm::test {

class FakeBackend : public core::Backend {
 public:
  explicit FakeBackend(std::string name = "local") : name_(std::move(name)) {}

  std::string_view name() const override { return name_; }

  Status check_location(std::string_view tool, const std::optional<std::string>& bucket,
                        const std::optional<std::string>& region) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("check_location " + std::string(tool));
    if (refuse_location && (bucket || region)) {
      return Status::error("invalid_argument." + std::string(tool) + ".bucket", "no buckets here");
    }
    return Status::ok();
  }
  Status check_request(const core::Plan& plan) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls.push_back("check_request " + plan.tool);
    }
    if (Status s =
            refuse_location ? check_location(plan.tool, plan.bucket, plan.region) : Status::ok();
        !s) {
      return s;
    }
    return request_status;
  }
  Status check(const core::Plan& plan) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("check " + plan.tool);
    return check_status;
  }
  Result<nlohmann::json> run(const core::Plan& plan, const core::RunContext& context) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls.push_back("run " + plan.tool);
      plans.push_back(plan);
    }
    if (context.progress) context.progress(0.5, "half");
    if (on_run) return on_run(plan);
    return nlohmann::json{{"operations", core::render_operations(plan)}, {"request_id", "r-1"}};
  }
  Result<core::JobTicket> start_job(const core::Plan& plan,
                                    const core::RunContext& context) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("start_job " + plan.tool);
    plans.push_back(plan);
    if (!start_status.is_ok()) return start_status;
    core::JobView v;
    v.id = "fake-job-" + std::to_string(jobs_.size() + 1);
    v.fields = {{"tool", plan.tool}, {"operations", core::render_operations(plan)}};
    jobs_[v.id] = Job{v, context.progress, false};
    return core::JobTicket{v.id, std::nullopt};
  }
  Result<core::JobView> job(const std::string& id, std::chrono::milliseconds wait,
                            const core::RunContext& context) override {
    std::unique_lock<std::mutex> lock(mu_);
    calls.push_back("job " + id);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return Status::error("job.not_found", "no job " + id);
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (!it->second.view.terminal() && std::chrono::steady_clock::now() < deadline) {
      if (context.cancelled && context.cancelled()) break;
      cv_.wait_for(lock, std::chrono::milliseconds(5));
    }
    return it->second.view;
  }
  Result<core::JobView> cancel_job(const std::string& id, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("cancel_job " + id);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return Status::error("job.not_found", "no job " + id);
    if (!it->second.view.terminal()) {
      it->second.view.phase = core::JobPhase::kCanceled;
      it->second.view.reason = "request";
    }
    return it->second.view;
  }
  Result<nlohmann::json> list_objects(const core::ObjectListRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("list " + r.prefix);
    return nlohmann::json{{"data", {{"objects", nlohmann::json::array()}}}};
  }
  Result<nlohmann::json> head_object(const std::string& key,
                                     const std::optional<std::string>&) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back("head " + key);
    return nlohmann::json{{"target_key", key}, {"size", 3}};
  }
  Result<nlohmann::json> doctor() override { return nlohmann::json{{"data", {{"ok", true}}}}; }
  Result<nlohmann::json> imm_setup(const nlohmann::json&) override {
    return Status::error("unsupported_on_backend.imm_setup", "no IMM here");
  }
  Result<nlohmann::json> read_result(const std::string& uri) override {
    return Status::error("resource.not_found", "no " + uri);
  }
  Status without_server_paths(Status s) const override {
    std::string m = s.message();
    for (size_t at; (at = m.find("/srv/root/")) != std::string::npos;) m.erase(at, 10);
    return Status::error(s.id(), m);
  }

  // Test controls.
  void progress(const std::string& id, double fraction) {
    std::function<void(double, const std::string&)> fn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn = jobs_.at(id).progress;
    }
    if (fn) fn(fraction, "working");
  }
  void finish(const std::string& id, nlohmann::json result) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& v = jobs_.at(id).view;
    v.phase = core::JobPhase::kSucceeded;
    for (auto& [k, val] : result.items()) v.fields[k] = val;
    cv_.notify_all();
  }
  void fail(const std::string& id, Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& v = jobs_.at(id).view;
    v.phase = core::JobPhase::kFailed;
    v.error = std::move(error);
    cv_.notify_all();
  }
  std::vector<std::string> recorded() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls;
  }

  std::function<Result<nlohmann::json>(const core::Plan&)> on_run;
  Status request_status;  // check_request's answer (after refuse_location)
  Status check_status;
  Status start_status;
  bool refuse_location = false;
  std::vector<std::string> calls;
  std::vector<core::Plan> plans;

 private:
  struct Job {
    core::JobView view;
    std::function<void(double, const std::string&)> progress;
    bool cancelled;
  };
  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Job> jobs_;
};

}  // namespace omm::test

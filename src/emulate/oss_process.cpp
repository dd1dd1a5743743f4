// Processing requests of the emulator (oss_protocol.md §3.3–3.5): GET ?x-oss-process returns
// the processed bytes (or the JSON of info / detections), POST ?x-oss-process with
// `x-oss-process=<ops>|sys/saveas,...` writes the result and answers OSS's JSON, and POST
// ?x-oss-async-process starts a task whose state IMM GetTask reads. The wire string is turned
// back into a core::Plan (core/wire_parser.h) and run by the local executor; objects are the
// executor's keys "<bucket>/<key>" under the root.
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/render.h"
#include "core/wire_parser.h"
#include "emulate/emulator.h"
#include "local/executor.h"
#include "oss/percent_encode.h"

namespace omm::emulate {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string json_type() { return "application/json"; }

}  // namespace

Result<core::Plan> Emulator::wire_plan(const Call& call, std::vector<core::RawOp> ops,
                                       std::optional<std::string> target) {
  if (!store_.bucket_exists(call.req.bucket)) {
    return Status::error("emulate.NoSuchBucket", "The specified bucket does not exist.");
  }
  if (auto head = store_.head(call.req.bucket, call.req.key); !head.ok()) return head.status();
  auto plan =
      core::plan_from_wire(std::move(ops), call.req.bucket + "/" + call.req.key, std::move(target));
  if (!plan.ok()) return plan;
  // Keys inside the operations (a watermark image, concat inputs) name objects of the same
  // bucket, like the source: the executor's keys are "<bucket>/<key>".
  for (auto& op : plan->operations) {
    for (auto& p : op.params) {
      if (p.spec->type == core::ParamType::kKey && !p.is_int()) {
        p.value = call.req.bucket + "/" + p.as_text();
      }
    }
    for (auto& in : op.inputs) in.key = call.req.bucket + "/" + in.key;
  }
  return plan;
}

Reply Emulator::process_get(const Call& call, const std::string& process) {
  auto wire = core::parse_wire_process(process);
  if (!wire.ok()) return oss_error(call, wire.status());
  if (wire->saveas) {
    return oss_error(call, 400, "InvalidArgument", "sys/saveas is allowed only with POST");
  }
  auto plan = wire_plan(call, std::move(wire->ops), std::nullopt);
  if (!plan.ok()) return oss_error(call, plan.status());
  auto result = executor_->run(*plan, {});
  if (!result.ok()) return oss_error(call, result.status());
  Reply r;
  if (result->value("mode", "") == "info") {
    r.content_type = json_type();
    r.body = result->value("data", json::object()).dump();
    return r;
  }
  // url mode: the executor left the result under <root>/.tmp/results/ as a file:// URI.
  std::string url = result->value("url", "");
  std::string path = url.rfind("file://", 0) == 0 ? url.substr(7) : "";
  std::ifstream in(path, std::ios::binary);
  if (path.empty() || !in) {
    return oss_error(call, 500, "InternalError", "the processed result could not be read back");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  r.body = ss.str();
  r.content_type = local::DirStore::content_type_for(path);
  in.close();
  std::error_code ec;
  fs::path results = fs::path(store_.root()) / ".tmp" / "results";
  fs::path parent = fs::path(path).parent_path();
  fs::remove(path, ec);
  if (parent != results && parent.parent_path() == results) fs::remove_all(parent, ec);
  r.headers.emplace_back("x-oss-process-status", "OK");
  return r;
}

Reply Emulator::process_post(const Call& call, bool async) {
  std::string field = async ? "x-oss-async-process=" : "x-oss-process=";
  // GO2 sends the body as it is; ali-oss form-encodes it (querystring.stringify).
  std::string body(call.req.body);
  if (body.find('%') != std::string::npos) {
    if (auto decoded = oss::percent_decode(body)) body = *decoded;
  }
  if (body.compare(0, field.size(), field) != 0) {
    return oss_error(call, 400, "InvalidArgument",
                     fmt::format("the body must start with {}", field));
  }
  auto wire = core::parse_wire_process(std::string_view(body).substr(field.size()));
  if (!wire.ok()) return oss_error(call, wire.status());
  if (!wire->saveas) {
    return oss_error(call, 400, "InvalidArgument",
                     "a POST process request needs |sys/saveas,o_<object>");
  }
  std::string bucket = wire->saveas->bucket.empty() ? call.req.bucket : wire->saveas->bucket;
  if (!ObjectStore::valid_bucket_name(bucket)) {
    return oss_error(call, 400, "InvalidArgument", "sys/saveas: b_ is not a valid bucket name");
  }
  if (!store_.bucket_exists(bucket)) {
    if (Status s = store_.create_bucket(bucket); !s) return oss_error(call, s);
  }
  std::string target = bucket + "/" + wire->saveas->key;
  auto plan = wire_plan(call, std::move(wire->ops), target);
  if (!plan.ok()) return oss_error(call, plan.status());
  Reply r;
  r.content_type = json_type();
  if (!async) {
    auto result = executor_->run(*plan, {});
    if (!result.ok()) return oss_error(call, result.status());
    r.body = json{
        {"bucket", wire->saveas->bucket},
        {"fileSize", result->value("size", 0)},
        {"object", wire->saveas->key},
        {"status",
         "OK"}}.dump();
    return r;
  }
  auto task = std::make_shared<Task>();
  task->type = "MediaConvert";
  task->id = task->type + "-" + new_uuid();
  task->event_id = fmt::format("{:03X}-{}", call.request_id.size(), new_uuid());
  task->start_time = iso8601_now_ns();
  task->request_definition = {{"Source", call.req.bucket + "/" + call.req.key},
                              {"Process", body.substr(field.size())}};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = attachments_.find(call.req.bucket);
    if (it != attachments_.end()) task->project = it->second.value("ProjectName", "");
  }
  core::Plan p = std::move(*plan);
  Call context = call;  // for the error mapping; the body belongs to the HTTP request
  context.req.body = {};
  start_task(task, [this, p, context](Task& t) {
    auto result = executor_->run(p, {});
    if (!result.ok()) {
      Reply e = oss_error(context, result.status());
      t.code = e.status >= 500 ? "InternalError" : "InvalidArgument";
      t.message = result.status().to_string();
    }
  });
  r.body = json{{"EventId", task->event_id}, {"RequestId", call.request_id}, {"TaskId", task->id}}
               .dump();
  return r;
}

void Emulator::start_task(std::shared_ptr<Task> task, std::function<void(Task&)> work) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_[task->id] = task;
  workers_.emplace_back([this, task, work = std::move(work)] {
    Task done = [&] {
      std::lock_guard<std::mutex> l(mu_);
      return *task;
    }();
    work(done);
    done.status = done.code.empty() ? "Succeeded" : "Failed";
    done.end_time = iso8601_now_ns();
    std::lock_guard<std::mutex> l(mu_);
    *task = done;
    spdlog::info("emulate: task {} {}", task->id, task->status);
  });
}

}  // namespace omm::emulate

// The IMM RPC side of the emulator (oss_protocol.md §5; field names from
// reference/imm_fields/*.txt): POST / with x-acs-action and the parameters in the query.
// CreateProject, GetProject, ListProjects, AttachOSSBucket, GetOSSBucketAttachment,
// GetTask, CreateDecodeBlindWatermarkTask (the local vision engine's extract),
// GetDecodeBlindWatermarkResult and DetectImage* (the vision engine's detections). State lives in
// memory and is lost at exit.
#include <spdlog/fmt/fmt.h>

#include "core/wire_parser.h"
#include "emulate/emulator.h"
#include "local/executor.h"

namespace omm::emulate {

using nlohmann::json;

namespace {

std::string q(const Call& c, std::string_view name) { return param_value(c.req.query, name); }

Reply json_reply(json body) {
  Reply r;
  r.content_type = "application/json;charset=utf-8";
  r.body = body.dump();
  return r;
}

// "oss://bucket/key" -> {bucket, key}; nullopt otherwise.
std::optional<std::pair<std::string, std::string>> split_oss_uri(const std::string& uri) {
  if (uri.rfind("oss://", 0) != 0) return std::nullopt;
  std::size_t slash = uri.find('/', 6);
  if (slash == std::string::npos || slash == 6 || slash + 1 >= uri.size()) return std::nullopt;
  return std::make_pair(uri.substr(6, slash - 6), uri.substr(slash + 1));
}

json task_json(const Task& t, const std::string& request_id, bool definition) {
  json out{{"RequestId", request_id},
           {"ProjectName", t.project},
           {"TaskId", t.id},
           {"TaskType", t.type},
           {"EventId", t.event_id},
           {"Status", t.status},
           {"Progress", t.status == "Running" ? 0 : 100},
           {"StartTime", t.start_time},
           {"Code", t.code},
           {"Message", t.message}};
  if (!t.end_time.empty()) out["EndTime"] = t.end_time;
  if (t.type == "DecodeBlindWatermark" && t.status == "Succeeded") out["Content"] = t.content;
  if (definition) out["TaskRequestDefinition"] = t.request_definition.dump();
  return out;
}

}  // namespace

Reply Emulator::handle_imm(const Call& call) {
  std::string action = oss::find_header(call.req.headers, "x-acs-action").value_or("");
  std::string version = oss::find_header(call.req.headers, "x-acs-version").value_or("");
  if (version != "2020-09-30") {
    return pop_error(call, 400, "InvalidVersion", "x-acs-version must be 2020-09-30 (IMM)");
  }
  auto required = [&](std::initializer_list<const char*> names) -> std::optional<Reply> {
    for (const char* n : names) {
      if (q(call, n).empty()) {
        return pop_error(call, 400, "MissingParameter",
                         fmt::format("The parameter {} is required.", n));
      }
    }
    return std::nullopt;
  };
  auto project_missing = [&](const std::string& name) {
    return pop_error(call, 404, "ResourceNotFound",
                     fmt::format("The specified resource project {} is not found.", name));
  };
  std::string project = q(call, "ProjectName");

  if (action == "CreateProject") {
    if (auto e = required({"ProjectName"})) return *e;
    std::lock_guard<std::mutex> lock(mu_);
    if (projects_.count(project)) {
      return pop_error(call, 409, "ResourceAlreadyExists",
                       fmt::format("The project {} already exists.", project));
    }
    std::string now = iso8601_now_ns();
    json p{{"ProjectName", project},
           {"ServiceRole",
            q(call, "ServiceRole").empty() ? "AliyunIMMDefaultRole" : q(call, "ServiceRole")},
           {"TemplateId", q(call, "TemplateId")},
           {"Description", q(call, "Description")},
           {"CreateTime", now},
           {"UpdateTime", now},
           {"DatasetCount", 0},
           {"FileCount", 0},
           {"TotalFileSize", 0}};
    projects_[project] = p;
    return json_reply({{"RequestId", call.request_id}, {"Project", p}});
  }
  if (action == "GetProject") {
    if (auto e = required({"ProjectName"})) return *e;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = projects_.find(project);
    if (it == projects_.end()) return project_missing(project);
    return json_reply({{"RequestId", call.request_id}, {"Project", it->second}});
  }
  if (action == "ListProjects") {
    std::lock_guard<std::mutex> lock(mu_);
    json list = json::array();
    for (const auto& [name, p] : projects_) {
      if (name.rfind(q(call, "Prefix"), 0) == 0) list.push_back(p);
    }
    return json_reply({{"RequestId", call.request_id}, {"NextToken", ""}, {"Projects", list}});
  }
  if (action == "AttachOSSBucket") {
    if (auto e = required({"ProjectName", "OSSBucket"})) return *e;
    std::string bucket = q(call, "OSSBucket");
    if (!store_.bucket_exists(bucket)) {
      return pop_error(call, 404, "ResourceNotFound",
                       fmt::format("The bucket {} does not exist.", bucket));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!projects_.count(project)) return project_missing(project);
    std::string now = iso8601_now_ns();
    attachments_[bucket] = {{"ProjectName", project},
                            {"Description", q(call, "Description")},
                            {"CreateTime", now},
                            {"UpdateTime", now}};
    return json_reply({{"RequestId", call.request_id}});
  }
  if (action == "GetOSSBucketAttachment") {
    if (auto e = required({"OSSBucket"})) return *e;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = attachments_.find(q(call, "OSSBucket"));
    if (it == attachments_.end()) {
      return pop_error(call, 404, "ResourceNotFound", "The bucket is not attached to a project.");
    }
    json out = it->second;
    out["RequestId"] = call.request_id;
    return json_reply(out);
  }
  if (action == "GetTask" || action == "GetDecodeBlindWatermarkResult") {
    if (auto e = required({"ProjectName", "TaskType", "TaskId"})) return *e;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tasks_.find(q(call, "TaskId"));
    if (it == tasks_.end() || it->second->type != q(call, "TaskType")) {
      return pop_error(call, 404, "ResourceNotFound", "The specified task is not found.");
    }
    Task t = *it->second;
    if (t.project.empty()) t.project = project;
    return json_reply(task_json(t, call.request_id, q(call, "RequestDefinition") == "true"));
  }
  if (action == "CreateDecodeBlindWatermarkTask") {
    if (auto e = required({"ProjectName", "SourceURI"})) return *e;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!projects_.count(project)) return project_missing(project);
    }
    auto source = split_oss_uri(q(call, "SourceURI"));
    if (!source)
      return pop_error(call, 400, "InvalidParameter", "SourceURI must be oss://<bucket>/<object>");
    std::string wire = "blindwatermark-extract";
    if (!q(call, "StrengthLevel").empty()) wire += ",s_" + q(call, "StrengthLevel");
    auto parsed = core::parse_wire_process(wire);
    Call source_call = call;
    source_call.req.bucket = source->first;
    source_call.req.key = source->second;
    auto plan = parsed.ok() ? wire_plan(source_call, std::move(parsed->ops), std::nullopt)
                            : Result<core::Plan>(parsed.status());
    if (!plan.ok()) {
      Reply e = oss_error(call, plan.status());
      return pop_error(call, e.status, e.status == 404 ? "ResourceNotFound" : "InvalidParameter",
                       plan.status().message());
    }
    auto task = std::make_shared<Task>();
    task->type = "DecodeBlindWatermark";
    task->id = task->type + "-" + new_uuid();
    task->project = project;
    task->event_id = "EMU-" + new_uuid();
    task->start_time = iso8601_now_ns();
    task->request_definition = {{"SourceURI", q(call, "SourceURI")},
                                {"StrengthLevel", q(call, "StrengthLevel")}};
    core::Plan p = std::move(*plan);
    start_task(task, [this, p](Task& t) {
      auto result = executor_->run(p, {});
      if (!result.ok()) {
        t.code = "InternalError";
        t.message = result.status().to_string();
        return;
      }
      // An image without a (readable) mark: the task succeeds with an empty Content, which the
      // oss backend reports as found: false, like the local backend (not verified against IMM).
      json data = result->value("data", json::object());
      if (data.value("found", false) && data["content"].is_string()) {
        t.content = data["content"].get<std::string>();
      }
    });
    return json_reply(
        {{"RequestId", call.request_id}, {"EventId", task->event_id}, {"TaskId", task->id}});
  }
  if (action.rfind("DetectImage", 0) == 0) return detect_image(call, action.substr(11));
  return pop_error(call, 404, "InvalidAction.NotFound",
                   fmt::format("Specified api {} is not found (not emulated).", action));
}

// DetectImageFaces / Bodies / Cars / Codes / Labels / Score: the vision engine's detection,
// whose JSON already has IMM's shape ({"Faces":[...]}, {"ImageScore":{...}}).
Reply Emulator::detect_image(const Call& call, const std::string& what) {
  static const std::pair<const char*, const char*> kOps[] = {
      {"Faces", "faces"}, {"Bodies", "bodies"}, {"Cars", "cars"},
      {"Codes", "codes"}, {"Labels", "labels"}, {"Score", "score"}};
  const char* op = nullptr;
  for (const auto& [name, wire] : kOps) {
    if (what == name) op = wire;
  }
  if (op == nullptr) {
    return pop_error(call, 404, "InvalidAction.NotFound",
                     fmt::format("Specified api DetectImage{} is not found.", what));
  }
  for (const char* n : {"ProjectName", "SourceURI"}) {
    if (q(call, n).empty()) {
      return pop_error(call, 400, "MissingParameter",
                       fmt::format("The parameter {} is required.", n));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!projects_.count(q(call, "ProjectName"))) {
      return pop_error(
          call, 404, "ResourceNotFound",
          fmt::format("The specified resource project {} is not found.", q(call, "ProjectName")));
    }
  }
  auto source = split_oss_uri(q(call, "SourceURI"));
  if (!source)
    return pop_error(call, 400, "InvalidParameter", "SourceURI must be oss://<bucket>/<object>");
  Call source_call = call;
  source_call.req.bucket = source->first;
  source_call.req.key = source->second;
  auto parsed = core::parse_wire_process(std::string("image/") + op);
  auto plan = parsed.ok() ? wire_plan(source_call, std::move(parsed->ops), std::nullopt)
                          : Result<core::Plan>(parsed.status());
  auto result = plan.ok() ? executor_->run(*plan, {}) : Result<json>(plan.status());
  if (!result.ok()) {
    Reply e = oss_error(call, result.status());
    std::string code = e.status == 404                                ? "ResourceNotFound"
                       : e.status >= 500                              ? "InternalError"
                       : result.status().id() == "engine.unsupported" ? "OperationNotSupported"
                                                                      : "InvalidParameter";
    return pop_error(call, e.status, code, result.status().to_string());
  }
  json out = result->value("data", json::object());
  out["RequestId"] = call.request_id;
  return json_reply(out);
}

}  // namespace omm::emulate

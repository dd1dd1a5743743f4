// Emulator: the local engine behind the OSS REST protocol and the IMM RPC API (DESIGN.md
// "Backends and endpoints", docs/emulate.md). It answers decoded requests (Call -> Reply); the
// HTTP listener, faults and the command line are in http_server.h / emulate_cli.h.
//
// Every request is authenticated first (request_auth.h). OSS requests then go to the object API
// (oss_objects.cpp: objects, listings, multipart), or, with x-oss-process / x-oss-async-process,
// to the processing side (oss_process.cpp), which turns the wire string back into a core::Plan
// (core/wire_parser.h) and runs it with the local executor. IMM requests (POST / with
// x-acs-action) go to imm_api.cpp; projects, bucket attachments and tasks live in memory.
// Thread-safe: the HTTP listener calls handle() from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/plan.h"
#include "core/raw_request.h"
#include "core/status.h"
#include "emulate/object_store.h"
#include "emulate/request_auth.h"
#include "oss/oss_xml.h"

namespace omm::local {
class LocalExecutor;
}

namespace omm::emulate {

struct EmulatorConfig {
  std::string root;        // buckets are its subfolders
  AuthConfig auth;         // credentials and the V4 region
  std::string engine_dir;  // engine workers; empty: next to the executable
  std::string watermark_key = "oss-media-mcp";
};

// One decoded request.
struct Call {
  ReceivedRequest req;
  std::string host;        // Host header as received (HostId of errors)
  std::string request_id;  // x-oss-request-id / RequestId of this response
};

struct Reply {
  int status = 200;
  oss::Params headers;
  std::string body;
  std::string content_type;
  // GetObject / HeadObject: the body is bytes [file_offset, file_offset + file_length) of this
  // file, streamed by the HTTP layer instead of `body` (never held in memory).
  std::string file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;
};

// A task of x-oss-async-process or CreateDecodeBlindWatermarkTask, read by IMM GetTask.
struct Task {
  std::string id;    // "<type>-<uuid>"
  std::string type;  // "MediaConvert", "DecodeBlindWatermark"
  std::string project;
  std::string event_id;
  std::string status = "Running";  // Running | Succeeded | Failed
  std::string code;
  std::string message;
  std::string start_time;
  std::string end_time;
  std::string content;  // DecodeBlindWatermark: the extracted text
  nlohmann::json request_definition;
};

class Emulator {
 public:
  static Result<std::unique_ptr<Emulator>> create(EmulatorConfig config);
  ~Emulator();  // waits for running tasks

  Reply handle(const Call& call);

  // Answers used by the HTTP layer and the handlers.
  Reply oss_error(const Call& call, int status, const std::string& code,
                  const std::string& message) const;
  Reply pop_error(const Call& call, int status, const std::string& code,
                  const std::string& message) const;
  // emulate.* / core / engine Status -> the OSS error it stands for.
  Reply oss_error(const Call& call, const Status& status) const;

 private:
  explicit Emulator(EmulatorConfig config, ObjectStore store);

  // oss_objects.cpp
  Reply handle_oss(const Call& call);
  Reply handle_bucket(const Call& call);
  Reply handle_object(const Call& call);
  Reply put_object(const Call& call);
  Reply get_object(const Call& call, bool head);
  Reply list_objects(const Call& call, bool v2);
  Reply list_uploads(const Call& call);
  Reply multipart(const Call& call);

  // oss_process.cpp
  Reply process_get(const Call& call, const std::string& process);
  Reply process_post(const Call& call, bool async);
  // The plan of a wire request on the call's object; `target` "<bucket>/<key>" for saveas.
  Result<core::Plan> wire_plan(const Call& call, std::vector<core::RawOp> ops,
                               std::optional<std::string> target);
  void start_task(std::shared_ptr<Task> task, std::function<void(Task&)> work);

  // imm_api.cpp
  Reply handle_imm(const Call& call);
  Reply detect_image(const Call& call, const std::string& what);  // "Faces", "Codes", ...

  EmulatorConfig config_;
  ObjectStore store_;
  std::shared_ptr<local::LocalExecutor> executor_;

  std::mutex mu_;                                      // guards the IMM state and the task list
  std::map<std::string, nlohmann::json> projects_;     // name -> Project
  std::map<std::string, nlohmann::json> attachments_;  // bucket -> attachment
  std::map<std::string, std::shared_ptr<Task>> tasks_;
  std::vector<std::thread> workers_;
};

// Helpers shared by the handler files.
std::string iso8601_ms(std::int64_t unix_ms);  // "2020-06-22T11:42:32.000Z"
std::string iso8601_now_ns();                  // "2021-12-24T03:01:49.480109219Z"
using oss::xml_escape;                         // the OSS client's (oss/oss_xml.h)
std::string new_uuid();                        // random v4, lower-case
std::string param_value(const oss::Params& params, std::string_view name);  // "" if absent

}  // namespace omm::emulate

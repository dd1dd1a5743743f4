#include "emulate/emulator.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "core/random_id.h"
#include "local/executor.h"
#include "oss/hash.h"

namespace omm::emulate {

namespace {

// emulate.* ids of object_store.h and the HTTP status OSS answers them with.
struct Mapping {
  std::string_view id;
  int status;
  std::string_view code;
};
constexpr Mapping kMappings[] = {
    {"emulate.NoSuchBucket", 404, "NoSuchBucket"},
    {"emulate.NoSuchKey", 404, "NoSuchKey"},
    {"object.NoSuchKey", 404, "NoSuchKey"},
    {"emulate.NoSuchUpload", 404, "NoSuchUpload"},
    {"emulate.InvalidPart", 400, "InvalidPart"},
    {"emulate.InvalidPartOrder", 400, "InvalidPartOrder"},
    {"emulate.InvalidObjectName", 400, "InvalidObjectName"},
    {"emulate.InvalidBucketName", 400, "InvalidBucketName"},
    {"emulate.InvalidArgument", 400, "InvalidArgument"},
    {"emulate.io", 500, "InternalError"},
};

}  // namespace

std::string iso8601_ms(std::int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, unix_ms % 1000);
}

std::string iso8601_now_ns() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:09}Z", buf, ns % 1000000000);
}

std::string new_uuid() { return random_uuid(); }

std::string param_value(const oss::Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

Emulator::Emulator(EmulatorConfig config, ObjectStore store)
    : config_(std::move(config)), store_(std::move(store)) {}

Emulator::~Emulator() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) {
    if (t.joinable()) t.join();
  }
}

Result<std::unique_ptr<Emulator>> Emulator::create(EmulatorConfig config) {
  auto store = ObjectStore::open(config.root);
  if (!store.ok()) return store.status();
  local::LocalOptions o;
  o.root = store->root();
  o.output_dir = (std::filesystem::path(store->root()) / ".tmp" / "outputs").string();
  o.input_dirs = {store->root()};
  o.engine_dir = config.engine_dir;
  o.watermark_key = config.watermark_key;
  o.workers = std::max(1u, std::thread::hardware_concurrency());
  auto executor = local::LocalExecutor::create(o);
  if (!executor.ok()) return executor.status();
  std::unique_ptr<Emulator> e(new Emulator(std::move(config), std::move(*store)));
  e->executor_ = *executor;
  return e;
}

Reply Emulator::oss_error(const Call& call, int status, const std::string& code,
                          const std::string& message) const {
  Reply r;
  r.status = status;
  r.content_type = "application/xml";
  r.body = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{}</Code>\n  "
      "<Message>{}</Message>\n"
      "  <RequestId>{}</RequestId>\n  <HostId>{}</HostId>\n",
      xml_escape(code), xml_escape(message), call.request_id, xml_escape(call.host));
  if (!call.req.bucket.empty())
    r.body += fmt::format("  <BucketName>{}</BucketName>\n", xml_escape(call.req.bucket));
  if (!call.req.key.empty() && code == "NoSuchKey") {
    r.body += fmt::format("  <Key>{}</Key>\n", xml_escape(call.req.key));
  }
  r.body += "</Error>\n";
  // HEAD answers carry no body: OSS puts the error document in x-oss-err (oss_protocol.md §0.8).
  r.headers.emplace_back("x-oss-err", oss::base64_encode(r.body));
  return r;
}

Reply Emulator::oss_error(const Call& call, const Status& status) const {
  for (const Mapping& m : kMappings) {
    if (status.id() == m.id)
      return oss_error(call, m.status, std::string(m.code), status.message());
  }
  const std::string& id = status.id();
  if (id.rfind("invalid_argument", 0) == 0 || id.rfind("invalid_syntax", 0) == 0 ||
      id.rfind("unsupported_on_backend", 0) == 0 || id.rfind("engine.limit", 0) == 0 ||
      id == "engine.decode" || id == "engine.unsupported") {
    return oss_error(call, 400, "InvalidArgument", status.to_string());
  }
  spdlog::warn("emulate: {} {}: {}", call.req.method, call.request_id, status.to_string());
  return oss_error(call, 500, "InternalError", status.to_string());
}

Reply Emulator::pop_error(const Call& call, int status, const std::string& code,
                          const std::string& message) const {
  Reply r;
  r.status = status;
  r.content_type = "application/json;charset=utf-8";
  r.body = nlohmann::json{{"RequestId", call.request_id},
                          {"HostId", call.host},
                          {"Code", code},
                          {"Message", message}}
               .dump();
  return r;
}

Reply Emulator::handle(const Call& call) {
  bool imm = call.req.method == "POST" && call.req.bucket.empty() && call.req.key.empty() &&
             oss::find_header(call.req.headers, "x-acs-action").has_value();
  if (imm) {
    AuthError e = verify_acs3_request(call.req, config_.auth, std::chrono::system_clock::now());
    if (!e.ok()) return pop_error(call, e.http_status, e.code, e.message);
    return handle_imm(call);
  }
  AuthError e = verify_oss_request(call.req, config_.auth, std::chrono::system_clock::now());
  if (!e.ok()) return oss_error(call, e.http_status, e.code, e.message);
  return handle_oss(call);
}

}  // namespace omm::emulate

// Every tool family through the MCP session, over a core::Executor on a FakeBackend: each call
// becomes the plan or request its family says, reaches the backend as the right kind of work,
// and comes back as a tool result — no files, engines or network involved.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "../core/fake_backend.h"
#include "mcp/memory_outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "tools/product_tools.h"

using nlohmann::json;
using omm::test::FakeBackend;

namespace {

struct Harness {
  explicit Harness(std::string backend_name = "local")
      : backend(std::make_shared<FakeBackend>(std::move(backend_name))),
        server(omm::mcp::ServerInfo{}, omm::mcp::ServerOptions{}) {
    omm::tools::ProductToolOptions o;
    o.executor = std::make_shared<omm::core::Executor>(backend, omm::core::ExecutorOptions{});
    omm::tools::register_product_tools(server, o);
    session = server.open_session(outbox, "t");
    session->receive(json{{"jsonrpc", "2.0"},
                          {"id", 0},
                          {"method", "initialize"},
                          {"params",
                           {{"protocolVersion", "2025-11-25"},
                            {"capabilities", json::object()},
                            {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    REQUIRE(outbox->wait_for(1));
  }
  // The tools/call result of one call.
  json call(const std::string& tool, json args) {
    size_t before = outbox->size();
    session->receive(json{{"jsonrpc", "2.0"},
                          {"id", ++id},
                          {"method", "tools/call"},
                          {"params", {{"name", tool}, {"arguments", std::move(args)}}}});
    REQUIRE(outbox->wait_for(before + 1));
    json m = outbox->sent().back().message;
    REQUIRE(m.contains("result"));
    return m["result"];
  }
  std::shared_ptr<FakeBackend> backend;
  omm::mcp::Server server;
  std::shared_ptr<omm::mcp::MemoryOutbox> outbox = std::make_shared<omm::mcp::MemoryOutbox>();
  std::shared_ptr<omm::mcp::Session> session;
  int id = 0;
};

}  // namespace

TEST_CASE("tool families: each plan tool reaches the backend as its kind of work") {
  Harness h;
  struct Case {
    const char* tool;
    json args;
    const char* call;  // what the backend saw
    omm::core::Work work;
  } cases[] = {
      {"image_process",
       {{"source", {{"key", "a.jpg"}}},
        {"operations", json::array({{{"op", "resize"}, {"w", 10}}})},
        {"output", {{"mode", "save"}, {"target_key", "b.jpg"}}}},
       "run image_process",
       omm::core::Work::kImage},
      {"image_inspect",
       {{"source", {{"key", "a.jpg"}}}, {"what", "info"}},
       "run image_inspect",
       omm::core::Work::kInspect},
      {"image_detect",
       {{"source", {{"key", "a.jpg"}}}, {"detect", "faces"}},
       "run image_detect",
       omm::core::Work::kDetect},
      {"image_watermark_extract",
       {{"source", {{"key", "a.jpg"}}}, {"wait_seconds", 0}},
       "start_job image_watermark_extract",
       omm::core::Work::kExtract},
      {"video_snapshot",
       {{"source", {{"key", "v.mp4"}}}, {"t", 0}, {"f", "jpg"}, {"output", {{"mode", "url"}}}},
       "run video_snapshot",
       omm::core::Work::kMedia},
      {"video_transcode",
       {{"source", {{"key", "v.mp4"}}},
        {"f", "mp4"},
        {"wait_seconds", 0},
        {"output", {{"mode", "save"}, {"target_key", "o.mp4"}}}},
       "start_job video_transcode",
       omm::core::Work::kMedia},
      {"media_info",
       {{"source", {{"key", "v.mp4"}}}, {"kind", "video"}},
       "run media_info",
       omm::core::Work::kMedia},
      {"audio_transcode",
       {{"source", {{"key", "a.wav"}}},
        {"f", "mp3"},
        {"wait_seconds", 0},
        {"output", {{"mode", "save"}, {"target_key", "a.mp3"}}}},
       "start_job audio_transcode",
       omm::core::Work::kMedia},
      {"object_upload",
       {{"uri", "/tmp/x.png"}, {"target_key", "x.png"}},
       "run object_upload",
       omm::core::Work::kUpload},
      {"object_download",
       {{"key", "x.png"}, {"path", "x.png"}},
       "run object_download",
       omm::core::Work::kDownload},
  };
  for (const Case& c : cases) {
    CAPTURE(c.tool);
    json r = h.call(c.tool, c.args);
    CHECK_FALSE(r.value("isError", false));
    CHECK(r["structuredContent"]["success"] == true);
    CHECK(r["structuredContent"]["backend"] == "local");
    auto calls = h.backend->recorded();
    CHECK(std::find(calls.begin(), calls.end(), c.call) != calls.end());
    REQUIRE_FALSE(h.backend->plans.empty());
    CHECK(h.backend->plans.back().tool == c.tool);
    CHECK(omm::core::work_of(h.backend->plans.back()) == c.work);
  }
}

TEST_CASE("tool families: dry runs, refusals, objects, jobs and admin") {
  Harness h;
  json dry = h.call("image_process", {{"source", {{"key", "a.jpg"}}},
                                      {"operations", json::array({{{"op", "resize"}, {"w", 10}}})},
                                      {"output", {{"mode", "url"}}},
                                      {"dry_run", true}});
  CHECK(dry["structuredContent"]["dry_run"] == true);
  CHECK(dry["structuredContent"]["process_string"] == "image/resize,w_10");
  CHECK(h.backend->plans.empty());  // nothing reached the backend

  json bad = h.call("image_process", {{"source", {{"key", "./.jobs/x.json"}}},
                                      {"operations", json::array({{{"op", "resize"}, {"w", 10}}})},
                                      {"output", {{"mode", "url"}}}});
  CHECK(bad["isError"] == true);
  CHECK(bad["content"][0]["text"].get<std::string>().rfind(
            "[invalid_argument.image_process.source.key]", 0) == 0);

  json head = h.call("object_head", {{"key", "a.jpg"}});
  CHECK(head["structuredContent"]["target_key"] == "a.jpg");
  json reserved = h.call("object_head", {{"key", ".tmp/x"}});
  CHECK(reserved["content"][0]["text"].get<std::string>().rfind(
            "[invalid_argument.object_head.key]", 0) == 0);
  json list = h.call("object_list", {{"prefix", "p/"}});
  CHECK(list["structuredContent"]["success"] == true);

  json started =
      h.call("video_transcode", {{"source", {{"key", "v.mp4"}}},
                                 {"f", "mp4"},
                                 {"wait_seconds", 0},
                                 {"output", {{"mode", "save"}, {"target_key", "o.mp4"}}}});
  std::string job = started["structuredContent"]["job_id"];
  json status = h.call("job_status", {{"job_id", job}});
  CHECK(status["structuredContent"]["status"] == "running");
  json cancel = h.call("job_status", {{"job_id", job}, {"cancel", true}});
  CHECK(cancel["structuredContent"]["status"] == "canceled");

  json doctor = h.call("doctor", json::object());
  CHECK(doctor["structuredContent"]["data"]["ok"] == true);
  json imm = h.call("imm_setup", json::object());
  CHECK(imm["content"][0]["text"].get<std::string>().rfind("[unsupported_on_backend.imm_setup]",
                                                           0) == 0);
}

TEST_CASE("tool families: the result resource template exists for a backend that keeps results") {
  Harness local("local");
  Harness oss("oss");
  auto templates = [](Harness& h) {
    std::set<std::string> out;
    for (const auto& t : h.server.resources().template_listing()) out.insert(t["uriTemplate"]);
    return out;
  };
  CHECK(templates(local) == std::set<std::string>{"oss-media://batch/{batch_id}"});
  CHECK(templates(oss) ==
        std::set<std::string>{"oss-media://batch/{batch_id}", "oss-media://result/{id}"});
}

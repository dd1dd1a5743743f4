#include "mcp/session.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "mcp/memory_outbox.h"
#include "mcp/server.h"

using nlohmann::json;
using namespace omm::mcp;

namespace {

struct Fixture {
  explicit Fixture(ServerOptions options = {}) : server(ServerInfo{}, std::move(options)) {}

  std::shared_ptr<Session> open(json capabilities = json::object()) {
    auto s = server.open_session(outbox, "test");
    s->receive(json{{"jsonrpc", "2.0"},
                    {"id", 0},
                    {"method", "initialize"},
                    {"params",
                     {{"protocolVersion", "2025-11-25"},
                      {"capabilities", capabilities},
                      {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    REQUIRE(outbox->wait_for(1));
    outbox->clear();
    return s;
  }

  json last() { return outbox->sent().back().message; }

  Server server;
  std::shared_ptr<MemoryOutbox> outbox = std::make_shared<MemoryOutbox>();
};

json call(int id, const std::string& name, json args = json::object(), json token = nullptr) {
  json params{{"name", name}, {"arguments", std::move(args)}};
  if (!token.is_null()) params["_meta"] = {{"progressToken", token}};
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

ToolSpec blocking_tool(std::atomic<bool>* cancelled_seen) {
  ToolSpec t;
  t.name = "block";
  t.description = "waits until cancelled";
  t.input_schema = json{{"type", "object"}};
  t.handler = [cancelled_seen](CallContext& ctx, const json&) {
    while (ctx.sleep_for(std::chrono::milliseconds(10))) {
    }
    *cancelled_seen = true;
    return text_result("never delivered");
  };
  return t;
}

}  // namespace

TEST_CASE("a cancelled call stops its work and sends no response") {
  Fixture f;
  std::atomic<bool> seen{false};
  f.server.tools().add(blocking_tool(&seen));
  auto s = f.open();
  s->receive(call(7, "block"));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK(s->in_flight() == 1);
  s->receive(json{{"jsonrpc", "2.0"},
                  {"method", "notifications/cancelled"},
                  {"params", {{"requestId", 7}, {"reason", "user"}}}});
  CHECK(s->wait_idle(std::chrono::seconds(2)));
  CHECK(seen);
  CHECK(f.outbox->size() == 0);
}

TEST_CASE("calls beyond the worker pool and queue get a server.busy tool error") {
  ServerOptions o;
  o.worker_threads = 1;
  o.queue_capacity = 0;
  Fixture f(o);
  std::atomic<bool> seen{false};
  f.server.tools().add(blocking_tool(&seen));
  auto s = f.open();
  s->receive(call(1, "block"));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  s->receive(call(2, "block"));
  REQUIRE(f.outbox->wait_for(1));
  json r = f.last();
  CHECK(r["id"] == 2);
  CHECK(r["result"]["isError"] == true);
  CHECK(r["result"]["content"][0]["text"].get<std::string>().rfind("[server.busy]", 0) == 0);
  // ping is answered at once while the pool is saturated
  s->receive(json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}});
  REQUIRE(f.outbox->wait_for(2));
  CHECK(f.last() == json{{"jsonrpc", "2.0"}, {"id", 3}, {"result", json::object()}});
  s->close();
  CHECK(s->wait_idle(std::chrono::seconds(2)));
}

TEST_CASE("progress echoes the client's token, strictly increases and stops after the result") {
  Fixture f;
  ToolSpec t;
  t.name = "steps";
  t.description = "reports progress";
  t.input_schema = json{{"type", "object"}};
  std::shared_ptr<CallContext*> leaked = std::make_shared<CallContext*>(nullptr);
  t.handler = [](CallContext& ctx, const json&) {
    ctx.progress(1, 3);
    ctx.progress(1, 3);    // not greater: dropped
    ctx.progress(0.5, 3);  // smaller: dropped
    ctx.progress(2, 3, "half");
    return text_result("ok");
  };
  f.server.tools().add(std::move(t));
  auto s = f.open();
  s->receive(call(9, "steps", json::object(), "tok-1"));
  REQUIRE(f.outbox->wait_for(3));
  auto sent = f.outbox->sent();
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].message["params"] ==
        json{{"progressToken", "tok-1"}, {"progress", 1.0}, {"total", 3.0}});
  CHECK(sent[1].message["params"]["progress"] == 2.0);
  CHECK(sent[1].message["params"]["message"] == "half");
  CHECK(sent[0].related == 9);
  CHECK(sent[2].message["id"] == 9);
}

TEST_CASE("server-to-client requests need the client's capability and get its answer") {
  Fixture f;
  ToolSpec t;
  t.name = "ask";
  t.description = "asks the client";
  t.input_schema = json{{"type", "object"}};
  t.handler = [](CallContext& ctx, const json&) {
    auto r =
        ctx.request_client("sampling/createMessage", {{"maxTokens", 5}}, std::chrono::seconds(2));
    if (!r.ok()) return error_result(r.status());
    return text_result((*r)["content"]["text"].get<std::string>());
  };
  f.server.tools().add(std::move(t));

  SUBCASE("declared") {
    auto s = f.open(json{{"sampling", json::object()}});
    s->receive(call(4, "ask"));
    REQUIRE(f.outbox->wait_for(1));
    json req = f.outbox->sent()[0].message;
    CHECK(req["method"] == "sampling/createMessage");
    CHECK(f.outbox->sent()[0].related == 4);
    s->receive(json{{"jsonrpc", "2.0"},
                    {"id", req["id"]},
                    {"result", {{"content", {{"type", "text"}, {"text", "hi"}}}}}});
    REQUIRE(f.outbox->wait_for(2));
    CHECK(f.last()["result"]["content"][0]["text"] == "hi");
  }
  SUBCASE("not declared") {
    auto s = f.open();
    s->receive(call(5, "ask"));
    REQUIRE(f.outbox->wait_for(1));
    CHECK(f.last()["result"]["isError"] == true);
    CHECK(f.last()["result"]["content"][0]["text"].get<std::string>().rfind("[client.unsupported]",
                                                                            0) == 0);
  }
}

TEST_CASE("the client's roots: asked once on the call's stream, again after list_changed") {
  Fixture f;
  ToolSpec t;
  t.name = "roots";
  t.description = "the client's roots";
  t.input_schema = json{{"type", "object"}};
  t.handler = [](CallContext& ctx, const json&) {
    std::string text;
    for (const std::string& uri : ctx.client_roots()) text += uri + ";";
    return text_result(text);
  };
  f.server.tools().add(std::move(t));
  auto answer = [&](const std::shared_ptr<Session>& s, size_t n, json result) {
    REQUIRE(f.outbox->wait_for(n));
    json req = f.outbox->sent()[n - 1].message;
    REQUIRE(req["method"] == "roots/list");
    s->receive(json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", std::move(result)}});
  };
  auto text = [&](size_t n) {
    REQUIRE(f.outbox->wait_for(n));
    return f.outbox->sent()[n - 1].message["result"]["content"][0]["text"].get<std::string>();
  };

  SUBCASE("declared") {
    auto s = f.open(json{{"roots", {{"listChanged", true}}}});
    s->receive(call(1, "roots"));
    json roots = json::array(
        {{{"uri", "file:///a"}, {"name", "a"}}, {{"name", "no uri"}}, 7, {{"uri", "file:///b"}}});
    for (int i = 0; i < 70; ++i) roots.push_back({{"uri", "file:///more"}});
    answer(s, 1, {{"roots", roots}});
    CHECK(f.outbox->sent()[0].related == 1);
    std::string first = text(2);
    CHECK(first.rfind("file:///a;file:///b;file:///more;", 0) == 0);
    // The first 64 entries: a, b and 60 more.
    CHECK(first.size() == std::string("file:///a;file:///b;").size() + 60 * 13);
    s->receive(call(2, "roots"));
    CHECK(text(3) == first);  // kept: no second roots/list
    s->receive(json{{"jsonrpc", "2.0"}, {"method", "notifications/roots/list_changed"}});
    s->receive(call(3, "roots"));
    answer(s, 4, {{"roots", json::array({{{"uri", "file:///c"}}})}});
    CHECK(text(5) == "file:///c;");
  }
  SUBCASE("an error answer: no roots") {
    auto s = f.open(json{{"roots", json::object()}});
    s->receive(call(1, "roots"));
    REQUIRE(f.outbox->wait_for(1));
    json req = f.outbox->sent()[0].message;
    s->receive(json{
        {"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", {{"code", -32601}, {"message", "no"}}}});
    CHECK(text(2) == "");
  }
  SUBCASE("not declared: never asked") {
    auto s = f.open();
    s->receive(call(1, "roots"));
    CHECK(text(1) == "");
    CHECK(f.outbox->sent().size() == 1);
  }
}

TEST_CASE("protocol version negotiation") {
  struct Case {
    const char* requested;
    const char* chosen;
  } cases[] = {{"2025-11-25", "2025-11-25"},
               {"2025-06-18", "2025-06-18"},
               {"2025-03-26", "2025-03-26"},
               {"2024-11-05", "2025-11-25"},
               {"2099-01-01", "2025-11-25"}};
  for (const auto& c : cases) {
    CAPTURE(c.requested);
    Fixture f;
    auto s = f.server.open_session(f.outbox, "v");
    s->receive(
        json{{"jsonrpc", "2.0"},
             {"id", 1},
             {"method", "initialize"},
             {"params", {{"protocolVersion", c.requested}, {"capabilities", json::object()}}}});
    REQUIRE(f.outbox->wait_for(1));
    CHECK(f.last()["result"]["protocolVersion"] == c.chosen);
    CHECK(s->protocol_version() == c.chosen);
  }
}

TEST_CASE("no progress notification follows its request's response, whatever thread sends it") {
  Fixture f;
  ToolSpec t;
  t.name = "racing";
  t.description = "progress from another thread while the call returns";
  t.input_schema = json{{"type", "object"}};
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  std::mutex senders_mu;
  t.handler = [&](CallContext& ctx, const json&) {
    CallContext copy = ctx;  // a job thread keeps reporting after the handler returns
    std::lock_guard<std::mutex> lock(senders_mu);
    senders.emplace_back([copy, &stop]() mutable {
      for (int i = 1; !stop.load() && i < 100000; ++i) copy.progress(i);
    });
    std::this_thread::yield();
    return text_result("done");
  };
  f.server.tools().add(std::move(t));
  auto s = f.open();
  constexpr int kCalls = 200;
  for (int id = 1; id <= kCalls; ++id) s->receive(call(id, "racing", json::object(), id));
  REQUIRE(s->wait_idle(std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& th : senders) th.join();
  // Per request: every related progress comes before the response.
  std::map<int, bool> answered;
  int responses = 0;
  for (const auto& m : f.outbox->sent()) {
    if (m.message.contains("id") && m.message.contains("result")) {
      answered[m.message["id"].get<int>()] = true;
      ++responses;
    } else if (m.message.value("method", "") == "notifications/progress") {
      int token = m.message["params"]["progressToken"].get<int>();
      CAPTURE(token);
      CHECK_FALSE(answered[token]);
    }
  }
  CHECK(responses == kCalls);
}

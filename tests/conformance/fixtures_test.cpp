// The conformance fixtures' test_slow_operation: output_path is written only inside the output
// directory (relative paths from there; no `..`, no escape through a symlink), refusals carry
// invalid_argument.test_slow_operation.output_path and show no server path, the temporary file
// is renamed on success and removed on cancellation — with output_dir_resolver, as main.cpp
// registers them. The handler is called directly with a CallContext whose host drops every
// notification.
#include "conformance/fixtures.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "conformance/output_path.h"
#include "mcp/call_context.h"
#include "mcp/server.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kId = "invalid_argument.test_slow_operation.output_path";

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/omm-conformance-XXXXXX";
    path = fs::canonical(::mkdtemp(tmpl)).string();
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

class NullHost : public omm::mcp::CallHost {
 public:
  void send_related(const json&, const json&) override {}
  bool log_enabled(omm::mcp::LogLevel) const override { return false; }
  bool client_supports(std::string_view) const override { return false; }
  omm::Result<json> request_client(std::string_view, json, const json&, std::chrono::milliseconds,
                                   const std::function<bool()>&) override {
    return omm::Status::error("test.no_client", "no client");
  }
};

struct Fixture {
  // An empty `output_dir`: registered without a resolver, as the golden and fuzz tests do.
  explicit Fixture(std::string output_dir) : server(omm::mcp::ServerInfo{}, {}) {
    omm::conformance::FixtureOptions options;
    if (!output_dir.empty()) {
      options.resolve_output_path = omm::conformance::output_dir_resolver(std::move(output_dir));
    }
    omm::conformance::register_fixtures(server, std::move(options));
  }

  // Runs test_slow_operation with `args`; `state` lets a caller cancel it from another thread.
  json call(const json& args, std::shared_ptr<omm::mcp::CallState> state = nullptr) {
    const omm::mcp::ToolSpec* spec = server.tools().find("test_slow_operation");
    REQUIRE(spec != nullptr);
    if (!state) state = std::make_shared<omm::mcp::CallState>(json(1), json());
    omm::mcp::CallContext ctx(std::make_shared<NullHost>(), state);
    return spec->handler(ctx, args);
  }

  omm::mcp::Server server;
};

std::string text_of(const json& result) {
  std::string out;
  for (const auto& block : result.value("content", json::array())) out += block.value("text", "");
  return out;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// The refusal of test_slow_operation's output_path, without any server path in it.
void check_refused(const json& result, const std::vector<std::string>& hidden) {
  CHECK(result.value("isError", false));
  std::string text = text_of(result);
  CHECK(text.rfind(std::string("[") + kId + "] ", 0) == 0);
  CHECK(text.find("output_path") != std::string::npos);
  CHECK(text.find("inside the output directory") != std::string::npos);
  for (const auto& h : hidden) CHECK_MESSAGE(text.find(h) == std::string::npos, text);
}

}  // namespace

TEST_CASE("conformance fixtures: test_slow_operation writes output_path inside the output dir") {
  TempDir t;
  const std::string out = t.path + "/out";
  fs::create_directories(out + "/sub");
  Fixture f(out);

  SUBCASE("a relative path is taken from the output directory") {
    json r = f.call({{"duration_ms", 0}, {"output_path", "sub/result.bin"}});
    REQUIRE_MESSAGE(!r.value("isError", false), text_of(r));
    CHECK(r["structuredContent"]["path"] == "sub/result.bin");
    CHECK(entries(out + "/sub") == std::vector<std::string>{"result.bin"});
    std::ifstream in(out + "/sub/result.bin");
    std::string line;
    std::getline(in, line);
    CHECK(line.rfind("done after ", 0) == 0);
  }
  SUBCASE("an absolute path inside the output directory") {
    json r = f.call({{"duration_ms", 0}, {"output_path", out + "/abs.bin"}});
    REQUIRE_MESSAGE(!r.value("isError", false), text_of(r));
    CHECK(r["structuredContent"]["path"] == out + "/abs.bin");
    CHECK(fs::is_regular_file(out + "/abs.bin"));
  }
  SUBCASE("the output directory is created on the first write") {
    Fixture fresh(t.path + "/new/out");
    json r = fresh.call({{"duration_ms", 0}, {"output_path", "x.bin"}});
    REQUIRE_MESSAGE(!r.value("isError", false), text_of(r));
    CHECK(fs::is_regular_file(t.path + "/new/out/x.bin"));
  }
}

TEST_CASE(
    "conformance fixtures: test_slow_operation refuses an output_path outside the output dir") {
  TempDir t;
  const std::string out = t.path + "/out";
  const std::string elsewhere = t.path + "/elsewhere";
  fs::create_directories(out + "/sub");
  fs::create_directories(elsewhere);
  Fixture f(out);
  const std::vector<std::string> hidden = {t.path, "/tmp/"};

  SUBCASE("an absolute path outside") {
    check_refused(f.call({{"duration_ms", 0}, {"output_path", elsewhere + "/x.bin"}}), hidden);
  }
  SUBCASE("a relative path climbing out") {
    check_refused(f.call({{"duration_ms", 0}, {"output_path", "../elsewhere/x.bin"}}), hidden);
  }
  SUBCASE("a '..' component even when the result would stay inside") {
    check_refused(f.call({{"duration_ms", 0}, {"output_path", "sub/../x.bin"}}), hidden);
    check_refused(f.call({{"duration_ms", 0}, {"output_path", out + "/sub/../x.bin"}}), hidden);
    CHECK(!fs::exists(out + "/x.bin"));
  }
  SUBCASE("a symlink inside the output directory leading out") {
    fs::create_directory_symlink(elsewhere, out + "/link");
    check_refused(f.call({{"duration_ms", 0}, {"output_path", "link/x.bin"}}), hidden);
    check_refused(f.call({{"duration_ms", 0}, {"output_path", out + "/link/x.bin"}}), hidden);
  }
  SUBCASE("the output directory itself") {
    check_refused(f.call({{"duration_ms", 0}, {"output_path", "."}}), hidden);
    check_refused(f.call({{"duration_ms", 0}, {"output_path", out}}), hidden);
  }
  SUBCASE("without a resolver nothing is written") {
    Fixture none("");
    json r = none.call({{"duration_ms", 0}, {"output_path", "x.bin"}});
    CHECK(r.value("isError", false));
    CHECK(text_of(r).rfind(std::string("[") + kId + "] ", 0) == 0);
  }
  CHECK(entries(elsewhere).empty());
  CHECK(!fs::exists(t.path + "/x.bin"));
}

TEST_CASE("conformance fixtures: cancelling test_slow_operation removes its temporary file") {
  TempDir t;
  const std::string out = t.path + "/out";
  fs::create_directories(out);
  Fixture f(out);
  auto state = std::make_shared<omm::mcp::CallState>(json(1), json());
  json result;
  std::thread call([&] {
    result = f.call({{"duration_ms", 20000}, {"output_path", "slow.bin"}}, state);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(out + "/.slow.bin.part") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(fs::exists(out + "/.slow.bin.part"));
  auto t0 = std::chrono::steady_clock::now();
  state->cancel();
  call.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(result.value("isError", false));
  CHECK(text_of(result).rfind("[cancelled]", 0) == 0);
  CHECK(entries(out).empty());
}

// fuzz_session: the input is what a client writes to the server's stdin. It runs through the real
// stdio transport (line framing, the 4 KiB line limit here) into a Session of a Server with the
// conformance fixtures registered, tool calls on the worker pool, a page size of 3 and a queue
// of 8.
//
// After end of input serve_stdio gives in-flight calls no drain time: they are cancelled, which
// also answers pending sampling/elicitation requests and interrupts the fixtures' sleeps, so an
// execution takes no longer than its parsing. Checked: no crash or sanitizer report; every line
// written is a JSON-RPC 2.0 object (response with a valid or null id and exactly one of
// result/error, notification or server request); no tool handler is still running 10 s after
// serve_stdio returned (a hang); no -32603 (an exception caught at Session's boundary).
//
// test_slow_operation's handler is replaced by a stub: it spawns `sleep`, which does not belong
// in a fuzzer (registered without an output_path resolver, it would write no file). Its schema is
// kept.
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "conformance/fixtures.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"

namespace {

using nlohmann::json;

std::atomic<int> g_running_handlers{0};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_session: %s\n", what.c_str());
  std::abort();
}

// Wraps every fixture handler to count running handlers (hang detection).
void instrument_tools(omm::mcp::Server& server) {
  for (const json& listed : server.tools().listing()) {
    omm::mcp::ToolSpec spec = *server.tools().find(listed["name"].get<std::string>());
    omm::mcp::ToolHandler inner = spec.handler;
    if (spec.name == "test_slow_operation") {
      inner = [](omm::mcp::CallContext& ctx, const json&) {
        ctx.progress(0, 1, "stub");
        return omm::mcp::text_result("slow operation stub");
      };
    }
    spec.handler = [inner](omm::mcp::CallContext& ctx, const json& args) {
      ++g_running_handlers;
      struct Done {
        ~Done() { --g_running_handlers; }
      } done;
      return inner(ctx, args);
    };
    server.tools().add(std::move(spec));
  }
}

omm::mcp::Server& server() {
  static omm::mcp::Server* s = [] {
    omm::mcp::ServerOptions options;
    options.worker_threads = 4;
    options.queue_capacity = 8;
    options.page_size = 3;
    auto* srv = new omm::mcp::Server(omm::mcp::ServerInfo{}, options);
    omm::conformance::register_fixtures(*srv, {});  // no output_path resolver
    instrument_tools(*srv);
    return srv;
  }();
  return *s;
}

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

void check_output_line(std::string_view line) {
  json m = json::parse(line.begin(), line.end(), nullptr, false);
  if (m.is_discarded() || !m.is_object())
    fail("output line is not a JSON object: " + std::string(line));
  if (m.value("jsonrpc", json()) != "2.0") fail("output without jsonrpc 2.0: " + std::string(line));
  auto method = m.find("method");
  if (method != m.end()) {
    if (!method->is_string()) fail("output method is not a string");
    if (m.contains("id") && !valid_id(m["id"])) fail("server request with a bad id");
    return;
  }
  auto id = m.find("id");
  if (id == m.end() || !(valid_id(*id) || id->is_null())) fail("response without a valid id");
  if (m.contains("result") == m.contains("error"))
    fail("response needs exactly one of result/error");
  if (auto e = m.find("error"); e != m.end()) {
    if (!e->is_object() || !(*e)["code"].is_number_integer() || !(*e)["message"].is_string()) {
      fail("malformed error object: " + std::string(line));
    }
    // The fixtures never fail on their own: -32603 means an exception reached Session::receive.
    if ((*e)["code"] == -32603) fail("internal error: " + std::string(line));
  }
}

int make_memfd(const char* name) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) fail("memfd_create failed");
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  server();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int in_fd = make_memfd("fuzz-stdin");
  static const int out_fd = make_memfd("fuzz-stdout");
  if (ftruncate(in_fd, 0) != 0 || ftruncate(out_fd, 0) != 0) fail("ftruncate failed");
  if (size > 0 && pwrite(in_fd, data, size, 0) != static_cast<ssize_t>(size)) fail("pwrite failed");
  lseek(in_fd, 0, SEEK_SET);
  lseek(out_fd, 0, SEEK_SET);

  omm::mcp::StdioOptions options;
  options.in_fd = in_fd;
  options.out_fd = out_fd;
  options.max_line_bytes = 4096;
  options.drain = std::chrono::milliseconds(0);
  omm::mcp::serve_stdio(server(), options);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (g_running_handlers.load() > 0) {
    if (std::chrono::steady_clock::now() > deadline)
      fail("a tool call still runs 10 s after close");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  off_t written = lseek(out_fd, 0, SEEK_CUR);
  std::string out(static_cast<size_t>(written), '\0');
  if (written > 0 && pread(out_fd, out.data(), out.size(), 0) != written) fail("pread failed");
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) fail("output does not end with a newline");
    check_output_line(std::string_view(out).substr(start, nl - start));
    start = nl + 1;
  }
  return 0;
}

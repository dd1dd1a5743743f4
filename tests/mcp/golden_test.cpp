// Golden JSON-RPC transcripts (tests/golden/*.jsonl, format in tests/golden/README.md): every
// client line is replayed into a Server with the conformance fixtures, and the messages the
// server sends in reply must equal the expected lines exactly, in order.
//
// "session" transcripts feed Session::receive_text and read a MemoryOutbox; after each client
// line the replayer waits until every tool call in flight is either finished or blocked on a
// request to the client, so output order is deterministic. "stdio" transcripts run the real
// serve_stdio over pipes (framing, line limits) and synchronise with a ping after each line; they
// hold no tool calls (those answer asynchronously).
//
// OMM_GOLDEN_UPDATE=1 rewrites the expected lines from what the server sends (like go-sdk's
// -update); review the diff before committing.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixtures.h"
#include "mcp/jsonrpc.h"
#include "mcp/memory_outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "mcp/stdio_transport.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr auto kSettleTimeout = std::chrono::seconds(10);

// One line of a transcript file.
struct Line {
  enum Kind { kVerbatim, kSetup, kIn, kOut } kind = kVerbatim;
  std::string text;  // the line as written (kept on update)
  json value;        // parsed line (kSetup, kIn, kOut)
  int number = 0;    // 1-based line number
};

struct Transcript {
  fs::path path;
  std::vector<Line> lines;
  json setup = json::object();
};

// What the server sent for one client line, in transcript form: {"out": message} plus "related"
// when the message is tied to a request other than the one its own id names (a response: its
// id; anything else: none). `related` is null when the transport does not tell (stdio).
json out_line(const json& message, const json* related) {
  json line{{"out", message}};
  if (related == nullptr) return line;
  bool response = message.is_object() && message.contains("id") && !message.contains("method");
  json implied = response ? message["id"] : json();
  if (*related != implied) line["related"] = *related;
  return line;
}

Transcript load(const fs::path& path) {
  Transcript t;
  t.path = path;
  std::ifstream in(path);
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    Line line;
    line.text = text;
    line.number = ++number;
    if (!text.empty() && text[0] != '#') {
      line.value = json::parse(text, nullptr, false);
      REQUIRE_MESSAGE((!line.value.is_discarded() && line.value.is_object()),
                      path.string() << ":" << number << ": not a JSON object");
      if (line.value.contains("setup")) {
        line.kind = Line::kSetup;
        t.setup = line.value["setup"];
      } else if (line.value.contains("in")) {
        line.kind = Line::kIn;
      } else if (line.value.contains("out")) {
        line.kind = Line::kOut;
      } else {
        FAIL(path.string() << ":" << number << ": expected \"setup\", \"in\" or \"out\"");
      }
    }
    t.lines.push_back(std::move(line));
  }
  return t;
}

// The bytes a client line stands for: a string is raw text, anything else its compact JSON.
std::string client_text(const json& in) {
  return in.is_string() ? in.get<std::string>() : in.dump();
}

std::unique_ptr<omm::mcp::Server> make_server(const json& setup) {
  omm::mcp::ServerInfo info;
  info.version = "0.0.0-golden";
  info.description = "golden transcript server";
  omm::mcp::ServerOptions options;
  options.worker_threads = 4;
  options.queue_capacity = 8;
  options.page_size = setup.value("page_size", 100);
  auto server = std::make_unique<omm::mcp::Server>(info, options);
  omm::conformance::register_fixtures(*server, {});  // no output_path resolver: writes no file
  return server;
}

bool is_server_request(const json& message) {
  return message.contains("method") && message.contains("id");
}

// Replays through Session + MemoryOutbox; returns the out lines produced after each in line.
std::map<int, std::vector<json>> replay_session(const Transcript& t) {
  auto server = make_server(t.setup);
  auto outbox = std::make_shared<omm::mcp::MemoryOutbox>();
  auto session = server->open_session(outbox, "golden");
  std::map<int, std::vector<json>> produced;
  // Server-to-client requests not yet answered: id key -> key of the client request they serve.
  std::map<std::string, std::string> pending;
  size_t seen = 0;
  for (const Line& line : t.lines) {
    if (line.kind != Line::kIn) continue;
    const json& in = line.value["in"];
    if (in.is_object() && in.contains("id") && !in.contains("method")) {
      pending.erase(omm::mcp::id_key(in["id"]));
    }
    if (in.is_object() && in.value("method", json()) == "notifications/cancelled" &&
        in.contains("params") && in["params"].is_object() && in["params"].contains("requestId")) {
      std::string cancelled = omm::mcp::id_key(in["params"]["requestId"]);
      std::erase_if(pending, [&](const auto& p) { return p.second == cancelled; });
    }
    session->receive_text(client_text(in));
    // Settled: every call in flight waits for the client's answer to one request.
    auto deadline = std::chrono::steady_clock::now() + kSettleTimeout;
    std::vector<omm::mcp::MemoryOutbox::Sent> sent;
    for (;;) {
      size_t in_flight = session->in_flight();
      sent = outbox->sent();
      size_t waiting = pending.size();
      for (size_t i = seen; i < sent.size(); ++i) waiting += is_server_request(sent[i].message);
      if (in_flight == waiting && session->in_flight() == in_flight) break;
      REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                      t.path.string() << ":" << line.number << ": the server did not settle");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::vector<json>& out = produced[line.number];
    for (; seen < sent.size(); ++seen) {
      const auto& s = sent[seen];
      if (is_server_request(s.message)) {
        pending[omm::mcp::id_key(s.message["id"])] = omm::mcp::id_key(s.related);
      }
      out.push_back(out_line(s.message, &s.related));
    }
  }
  session->close();
  session->wait_idle(std::chrono::seconds(5));
  return produced;
}

// Collects newline-terminated lines from a file descriptor on its own thread.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd), thread_([this] { run(); }) {}
  ~LineReader() { thread_.join(); }

  // Waits for the line whose "id" is `id`; returns the lines before it and drops it.
  std::optional<std::vector<std::string>> until_id(const std::string& id) {
    std::unique_lock<std::mutex> lock(mu_);
    std::vector<std::string> out;
    bool found = cv_.wait_for(lock, kSettleTimeout, [&] {
      for (size_t i = 0; i < lines_.size(); ++i) {
        json m = json::parse(lines_[i], nullptr, false);
        if (!m.is_discarded() && m.is_object() && m.value("id", json()) == id) {
          out.assign(lines_.begin(), lines_.begin() + static_cast<long>(i));
          lines_.erase(lines_.begin(), lines_.begin() + static_cast<long>(i) + 1);
          return true;
        }
      }
      return false;
    });
    if (!found) return std::nullopt;
    return out;
  }
  // After end of output: everything not yet taken (waits until the reader has seen EOF).
  std::vector<std::string> rest() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, kSettleTimeout, [&] { return eof_; });
    return std::move(lines_);
  }

 private:
  void run() {
    std::string partial;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      partial.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = partial.find('\n')) != std::string::npos) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          lines_.push_back(partial.substr(0, nl));
        }
        cv_.notify_all();
        partial.erase(0, nl + 1);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!partial.empty()) lines_.push_back(partial);  // unterminated output: kept for the diff
      eof_ = true;
    }
    cv_.notify_all();
  }

  int fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::thread thread_;
};

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Replays through serve_stdio over two pipes. An in line is written followed by "\n" (unless it
// has "newline": false); after every line that ends with "\n" a ping with id "golden-sync-<n>"
// marks the end of that line's output.
std::map<int, std::vector<json>> replay_stdio(const Transcript& t) {
  auto server = make_server(t.setup);
  int to_server[2];
  int from_server[2];
  REQUIRE(::pipe(to_server) == 0);
  REQUIRE(::pipe(from_server) == 0);
  omm::mcp::StdioOptions options;
  options.in_fd = to_server[0];
  options.out_fd = from_server[1];
  options.max_line_bytes = t.setup.value("max_line_bytes", size_t{8} << 20);
  std::thread serving([&] {
    omm::mcp::serve_stdio(*server, options);
    ::close(from_server[1]);
  });
  std::map<int, std::vector<json>> produced;
  {
    LineReader reader(from_server[0]);
    auto take = [&](int number, const std::vector<std::string>& lines) {
      std::vector<json>& out = produced[number];
      for (const auto& l : lines) {
        json m = json::parse(l, nullptr, false);
        out.push_back(out_line(m.is_discarded() ? json(l) : m, nullptr));
      }
    };
    int last = 0;
    int sync = 0;
    for (const Line& line : t.lines) {
      if (line.kind != Line::kIn) continue;
      last = line.number;
      std::string bytes = client_text(line.value["in"]);
      if (line.value.value("newline", true)) bytes += '\n';
      std::string id = "golden-sync-" + std::to_string(sync + 1);
      std::string ping = json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}}.dump() + "\n";
      bool synced = !bytes.empty() && bytes.back() == '\n';
      if (!write_all(to_server[1], bytes) || (synced && !write_all(to_server[1], ping))) {
        FAIL_CHECK(t.path.string() << ":" << line.number << ": the server stopped reading");
        break;
      }
      if (!synced) continue;
      ++sync;
      auto lines = reader.until_id(id);
      if (!lines) {
        FAIL_CHECK(t.path.string() << ":" << line.number << ": no answer to the sync ping");
        break;
      }
      take(line.number, *lines);
    }
    ::close(to_server[1]);
    serving.join();
    take(last, reader.rest());
  }
  ::close(to_server[0]);
  ::close(from_server[0]);
  return produced;
}

// Expected out lines per in line, as written in the file.
std::map<int, std::vector<json>> expected_of(const Transcript& t) {
  std::map<int, std::vector<json>> expected;
  int current = 0;
  for (const Line& line : t.lines) {
    if (line.kind == Line::kIn) {
      current = line.number;
      expected[current];
    } else if (line.kind == Line::kOut) {
      REQUIRE_MESSAGE(current != 0, t.path.string() << ":" << line.number << ": out before any in");
      expected[current].push_back(line.value);
    }
  }
  return expected;
}

void rewrite(const Transcript& t, const std::map<int, std::vector<json>>& produced) {
  std::ostringstream text;
  for (const Line& line : t.lines) {
    if (line.kind == Line::kOut) continue;
    text << line.text << "\n";
    if (line.kind != Line::kIn) continue;
    auto it = produced.find(line.number);
    if (it == produced.end()) continue;
    for (const json& out : it->second) text << out.dump() << "\n";
  }
  std::ofstream(t.path, std::ios::trunc) << text.str();
}

std::vector<fs::path> transcript_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(OMM_SOURCE_ROOT) / "tests" / "golden")) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("golden transcripts") {
  const char* update_env = std::getenv("OMM_GOLDEN_UPDATE");
  bool update = update_env != nullptr && std::string(update_env) == "1";
  std::vector<fs::path> files = transcript_files();
  REQUIRE(!files.empty());
  for (const fs::path& path : files) {
    CAPTURE(path.string());
    Transcript t = load(path);
    std::string transport = t.setup.value("transport", "session");
    REQUIRE_MESSAGE((transport == "session" || transport == "stdio"),
                    path.string() << ": unknown transport " << transport);
    auto produced = transport == "stdio" ? replay_stdio(t) : replay_session(t);
    if (update) {
      rewrite(t, produced);
      MESSAGE("updated " << path.string());
      continue;
    }
    auto expected = expected_of(t);
    for (const auto& [number, want] : expected) {
      const std::vector<json>& got = produced[number];
      std::ostringstream diff;
      size_t n = std::max(want.size(), got.size());
      for (size_t i = 0; i < n; ++i) {
        std::string w = i < want.size() ? want[i].dump() : "(nothing)";
        std::string g = i < got.size() ? got[i].dump() : "(nothing)";
        if (w != g) diff << "\n  expected: " << w << "\n  got:      " << g;
      }
      CHECK_MESSAGE(diff.str().empty(), path.filename().string()
                                            << ":" << number << ": output differs" << diff.str());
    }
  }
}

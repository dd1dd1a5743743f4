#include "mcp/stdio_transport.h"

#include <errno.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/jsonrpc.h"
#include "mcp/outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"

namespace omm::mcp {

namespace {

class FdOutbox : public Outbox {
 public:
  explicit FdOutbox(int fd) : fd_(fd) {}

  void send(const nlohmann::json& message, const nlohmann::json* /*related*/) override {
    write_line(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }

  void send_response_text(const nlohmann::json& /*id*/, const std::string& text) override {
    write_line(text + "\n");
  }

 private:
  void write_line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_) return;
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        broken_ = true;  // peer gone (EPIPE): drop further output
        spdlog::debug("stdout closed: {}", errno);
        return;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::mutex mu_;
  bool broken_ = false;
};

}  // namespace

int serve_stdio(Server& server, const StdioOptions& options) {
  auto outbox = std::make_shared<FdOutbox>(options.out_fd);
  auto session = server.open_session(outbox, "stdio");
  std::string line;
  bool discarding = false;
  char buf[65536];
  auto too_large = [&] {
    outbox->send(make_error(nullptr, rpc::kInvalidRequest,
                            "Message too large: a line may hold at most " +
                                std::to_string(options.max_line_bytes) + " bytes"),
                 nullptr);
  };
  for (;;) {
    ssize_t n = ::read(options.in_fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("stdin read failed: {}", errno);
      break;
    }
    if (n == 0) break;
    size_t start = 0;
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      if (buf[i] != '\n') continue;
      if (discarding) {
        discarding = false;
      } else {
        line.append(buf + start, i - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() > options.max_line_bytes) {
          too_large();  // the whole line arrived in this read
        } else if (line.find_first_not_of(" \t") != std::string::npos) {
          session->receive_text(line);
        }
      }
      line.clear();
      start = i + 1;
    }
    if (!discarding) line.append(buf + start, static_cast<size_t>(n) - start);
    if (!discarding && line.size() > options.max_line_bytes) {
      discarding = true;
      line.clear();
      line.shrink_to_fit();
      too_large();
    }
  }
  if (!discarding && line.find_first_not_of(" \t\r") != std::string::npos) {
    session->receive_text(line);  // last line without a newline
  }
  // End of input: let running calls finish briefly, then cancel what is left.
  if (!session->wait_idle(options.drain)) {
    session->close();
    session->wait_idle(std::chrono::milliseconds(1000));
  }
  session->close();
  return 0;
}

}  // namespace omm::mcp

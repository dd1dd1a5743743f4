// What the HTTP transports keep per client, and its bounds: the session table and the count of
// open SSE streams. No HTTP library here (unit-tested with a fake clock).
//
// SessionTable: sessions by Mcp-Session-Id (Streamable HTTP) or sessionId (legacy SSE). At most
// `max_sessions` at once. A session that never sends a second message after `initialize` is
// "unconfirmed": it expires after `unconfirmed_timeout` and, when the table is full, the oldest
// unconfirmed session makes room for a new one — a flood of initialize requests cannot lock
// real clients out. Confirmed sessions expire after `idle_timeout` without traffic (never while
// a call runs or a GET stream is open); only when every place is held by a confirmed session
// is a new one refused.
//
// StreamLimiter: long-lived SSE streams (GET /mcp, GET /sse) hold a listener thread each, so
// they are counted: at most `max_total`, and at most `max_per_client` from one client address;
// acquire() answers at once whether one more may open.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mcp/http_streams.h"

namespace omm::mcp {

class Server;
class Session;

struct SessionEntry {
  using Clock = std::chrono::steady_clock;
  std::string id;
  std::shared_ptr<HttpOutbox> outbox;
  std::shared_ptr<Session> session;
  Clock::time_point created;
  std::atomic<Clock::rep> last_seen{0};
  std::atomic<bool> confirmed{false};  // a message after initialize arrived
  void touch(Clock::time_point now) { last_seen = now.time_since_epoch().count(); }
};

struct SessionLimits {
  size_t max_sessions = 1000;
  std::chrono::seconds idle_timeout{3600};
  std::chrono::seconds unconfirmed_timeout{30};
};

class SessionTable {
 public:
  using Clock = SessionEntry::Clock;
  SessionTable(Server& server, SessionLimits limits,
               std::function<Clock::time_point()> now = Clock::now);

  // A new session (legacy: messages over the GET stream); nullptr when the table is full of
  // confirmed sessions.
  std::shared_ptr<SessionEntry> create(bool legacy);
  // The session, marked as seen and confirmed; nullptr when unknown or expired.
  std::shared_ptr<SessionEntry> find(const std::string& id);
  bool erase(const std::string& id);
  void close_all();
  size_t size() const;

 private:
  // Under mu_: moves expired sessions to `gone`; with `need_room`, also the oldest unconfirmed
  // one when the table is still full. The caller ends them after unlocking.
  void reap_locked(bool need_room, std::vector<std::shared_ptr<SessionEntry>>& gone);

  Server& server_;
  SessionLimits limits_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<SessionEntry>> entries_;
};

class StreamLimiter {
 public:
  enum class Verdict { kOk, kClientFull, kServerFull };
  StreamLimiter(size_t max_total, size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  Verdict acquire(const std::string& client);
  void release(const std::string& client);
  size_t open() const;

 private:
  size_t max_total_;
  size_t max_per_client_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  std::map<std::string, size_t> per_client_;
};

}  // namespace omm::mcp

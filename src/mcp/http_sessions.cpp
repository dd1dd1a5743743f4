#include "mcp/http_sessions.h"

#include <random>
#include <vector>

#include "mcp/server.h"
#include "mcp/session.h"

namespace omm::mcp {

namespace {

std::string random_session_id() {
  static std::mutex mu;
  static std::random_device rd;
  std::lock_guard<std::mutex> lock(mu);
  std::string out;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j) {
      out.push_back(hex[v & 0xF]);
      v >>= 4;
    }
  }
  return out;
}

void end(const std::shared_ptr<SessionEntry>& e) {
  e->session->close();
  e->outbox->end_all();
}

}  // namespace

SessionTable::SessionTable(Server& server, SessionLimits limits,
                           std::function<Clock::time_point()> now)
    : server_(server), limits_(limits), now_(std::move(now)) {}

std::shared_ptr<SessionEntry> SessionTable::create(bool legacy) {
  auto e = std::make_shared<SessionEntry>();
  e->id = random_session_id();
  e->outbox = std::make_shared<HttpOutbox>(legacy);
  e->session = server_.open_session(e->outbox, e->id);
  e->created = now_();
  e->touch(e->created);
  e->confirmed = legacy;  // a legacy session lives as long as its GET stream
  std::vector<std::shared_ptr<SessionEntry>> gone;
  bool added = false;
  {
    // Expiry, eviction and the insert in one step: concurrent creates cannot take the place
    // one of them just made.
    std::lock_guard<std::mutex> lock(mu_);
    reap_locked(true, gone);
    if (entries_.size() < limits_.max_sessions) {
      entries_[e->id] = e;
      added = true;
    }
  }
  for (const auto& g : gone) end(g);
  if (!added) {
    end(e);
    return nullptr;
  }
  return e;
}

std::shared_ptr<SessionEntry> SessionTable::find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  it->second->touch(now_());
  it->second->confirmed = true;
  return it->second;
}

bool SessionTable::erase(const std::string& id) {
  std::shared_ptr<SessionEntry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    e = it->second;
    entries_.erase(it);
  }
  end(e);
  return true;
}

void SessionTable::close_all() {
  std::map<std::string, std::shared_ptr<SessionEntry>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(entries_);
  }
  for (auto& [id, e] : all) end(e);
}

size_t SessionTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void SessionTable::reap_locked(bool need_room, std::vector<std::shared_ptr<SessionEntry>>& gone) {
  const Clock::time_point now = now_();
  std::shared_ptr<SessionEntry> oldest_unconfirmed;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto& e = it->second;
    const Clock::time_point seen{Clock::duration(e->last_seen.load())};
    bool busy = e->session->in_flight() > 0 || e->outbox->has_get_stream();
    bool expired = e->confirmed ? (!busy && now - seen > limits_.idle_timeout)
                                : (!busy && now - e->created > limits_.unconfirmed_timeout);
    if (expired) {
      gone.push_back(e);
      it = entries_.erase(it);
      continue;
    }
    if (!e->confirmed && !busy &&
        (!oldest_unconfirmed || e->created < oldest_unconfirmed->created)) {
      oldest_unconfirmed = e;
    }
    ++it;
  }
  if (need_room && entries_.size() >= limits_.max_sessions && oldest_unconfirmed) {
    gone.push_back(oldest_unconfirmed);
    entries_.erase(oldest_unconfirmed->id);
  }
}

StreamLimiter::Verdict StreamLimiter::acquire(const std::string& client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (total_ >= max_total_) return Verdict::kServerFull;
  size_t& mine = per_client_[client];
  if (mine >= max_per_client_) return Verdict::kClientFull;
  ++mine;
  ++total_;
  return Verdict::kOk;
}

void StreamLimiter::release(const std::string& client) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_client_.find(client);
  if (it == per_client_.end() || it->second == 0) return;
  if (--it->second == 0) per_client_.erase(it);
  --total_;
}

size_t StreamLimiter::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

}  // namespace omm::mcp

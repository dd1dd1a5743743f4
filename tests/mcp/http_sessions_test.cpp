// The HTTP transports' session table and stream counts (a fake clock; no sockets).
#include "mcp/http_sessions.h"

#include <doctest/doctest.h>

#include <vector>

#include "mcp/server.h"
#include "mcp/session.h"

using namespace omm::mcp;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  Server server{ServerInfo{}, ServerOptions{}};
  SessionTable::Clock::time_point now = SessionTable::Clock::time_point(1h);
  SessionTable table;
  explicit Fixture(SessionLimits limits) : table(server, limits, [this] { return now; }) {}
};

}  // namespace

TEST_CASE("an initialize flood cannot lock clients out: unconfirmed sessions make room") {
  Fixture f(SessionLimits{3, 3600s, 30s});
  auto real = f.table.create(false);
  REQUIRE(real);
  REQUIRE(f.table.find(real->id));  // its second message: confirmed
  std::vector<std::string> flood;
  for (int i = 0; i < 1000; ++i) {
    f.now += 1ms;
    auto e = f.table.create(false);
    REQUIRE(e);  // always a place: the oldest unconfirmed one goes
    flood.push_back(e->id);
  }
  CHECK(f.table.size() == 3);
  CHECK(f.table.find(real->id));  // the confirmed session was never evicted
  CHECK(f.table.find(flood.back()));
  CHECK_FALSE(f.table.find(flood.front()));
}

TEST_CASE("unconfirmed sessions expire quickly, confirmed ones after the idle timeout") {
  Fixture f(SessionLimits{10, 600s, 30s});
  auto quiet = f.table.create(false);
  auto talking = f.table.create(false);
  REQUIRE(f.table.find(talking->id));
  f.now += 31s;
  f.table.create(false);  // creating reaps
  CHECK_FALSE(f.table.find(quiet->id));
  CHECK(f.table.find(talking->id));
  f.now += 601s;
  f.table.create(false);
  CHECK_FALSE(f.table.find(talking->id));
}

TEST_CASE("a table full of confirmed sessions refuses new ones") {
  Fixture f(SessionLimits{2, 3600s, 30s});
  for (int i = 0; i < 2; ++i) {
    auto e = f.table.create(false);
    REQUIRE(e);
    REQUIRE(f.table.find(e->id));
  }
  CHECK_FALSE(f.table.create(false));
  CHECK(f.table.size() == 2);
}

TEST_CASE("streams are capped per client and overall, and released") {
  StreamLimiter limiter(5, 2);
  CHECK(limiter.acquire("10.0.0.1") == StreamLimiter::Verdict::kOk);
  CHECK(limiter.acquire("10.0.0.1") == StreamLimiter::Verdict::kOk);
  CHECK(limiter.acquire("10.0.0.1") == StreamLimiter::Verdict::kClientFull);
  CHECK(limiter.acquire("10.0.0.2") == StreamLimiter::Verdict::kOk);
  CHECK(limiter.acquire("10.0.0.2") == StreamLimiter::Verdict::kOk);
  CHECK(limiter.acquire("10.0.0.3") == StreamLimiter::Verdict::kOk);
  CHECK(limiter.acquire("10.0.0.4") == StreamLimiter::Verdict::kServerFull);
  CHECK(limiter.open() == 5);
  limiter.release("10.0.0.1");
  CHECK(limiter.acquire("10.0.0.4") == StreamLimiter::Verdict::kOk);
  limiter.release("10.0.0.9");  // never counted: ignored
  CHECK(limiter.open() == 5);
}

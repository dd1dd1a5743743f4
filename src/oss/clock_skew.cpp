#include "oss/clock_skew.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace omm::oss {

std::optional<SignTime> parse_http_date(std::string_view text) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char wday[4] = {}, mon[4] = {}, zone[4] = {};
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  const std::string t(text);
  if (std::sscanf(t.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wday, &d, mon, &y, &h, &mi, &s,
                  zone) != 8 ||
      std::strcmp(zone, "GMT") != 0) {
    return std::nullopt;
  }
  int m = 0;
  while (m < 12 && std::strcmp(kMonths[m], mon) != 0) ++m;
  if (m == 12) return std::nullopt;
  char iso[32];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m + 1, d, h, mi, s);
  return parse_iso8601_utc(iso);
}

SignTime ClockSkew::now() const { return clock_.now() + std::chrono::seconds(offset_s_.load()); }

bool ClockSkew::observe(std::string_view server_date, SignTime local, bool rejected) {
  auto server = parse_http_date(server_date);
  if (!server) return false;
  const long long diff = unix_seconds(*server) - unix_seconds(local);
  if (!rejected && std::llabs(diff - offset_s_.load()) <= kSkewThreshold.count()) return false;
  return offset_s_.exchange(diff) != diff;
}

}  // namespace omm::oss

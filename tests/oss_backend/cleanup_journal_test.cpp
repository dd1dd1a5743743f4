// The cleanup journal: entries survive a new instance (a restart), drain() keeps exactly the
// objects whose delete failed, and the file is never left half-written.
#include "oss_backend/cleanup_journal.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

using omm::Status;
using omm::oss_backend::CleanupJournal;
using omm::oss_backend::TempObject;

TEST_CASE("cleanup journal: add, restart, drain with failures") {
  char tmpl[] = "/tmp/omm-journal-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string path = dir + "/state/cleanup.json";
  {
    CleanupJournal j(path);
    CHECK(j.entries().empty());
    REQUIRE(j.add({"b", "tmp/1/a.png"}).is_ok());
    REQUIRE(j.add({"b", "tmp/2/b.mp4"}).is_ok());
    REQUIRE(j.add({"c", "tmp/3/c.jpg"}).is_ok());
    REQUIRE(j.remove({"b", "tmp/1/a.png"}).is_ok());
  }
  CleanupJournal again(path);  // a restart reads what is left
  REQUIRE(again.entries().size() == 2);
  std::set<std::string> tried;
  size_t left = again.drain([&](const TempObject& o) {
    tried.insert(o.bucket + "/" + o.key);
    return o.bucket == "c" ? Status::error("oss.network", "down") : Status::ok();
  });
  CHECK(left == 1);
  CHECK(tried == std::set<std::string>{"b/tmp/2/b.mp4", "c/tmp/3/c.jpg"});
  auto rest = CleanupJournal(path).entries();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].key == "tmp/3/c.jpg");
  CHECK(again.drain([](const TempObject&) { return Status::ok(); }) == 0);
  CHECK(CleanupJournal(path).entries().empty());
  // Only the journal itself is in its directory: no temporary names left behind.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/state")) {
    CHECK(e.path().filename() == "cleanup.json");
    ++files;
  }
  CHECK(files == 1);
  std::filesystem::remove_all(dir);
}

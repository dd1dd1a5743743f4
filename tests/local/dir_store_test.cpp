#include "local/dir_store.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using omm::local::DirStore;

namespace {

struct TempRoot {
  TempRoot() {
    char tmpl[] = "/tmp/omm-store-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempRoot() { fs::remove_all(path); }
  std::string path;
};

void write(const std::string& p, const std::string& text) {
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("keys map to files inside the root only") {
  TempRoot t;
  auto store = DirStore::open(t.path + "/bucket");
  REQUIRE(store.ok());
  struct Case {
    const char* key;
    const char* id;
  } cases[] = {
      {"a.jpg", ""},          {"dir/sub/a.jpg", ""},        {"../x", "invalid_argument.key"},
      {"a/../../x", "invalid_argument.key"}, {"/etc/passwd", "invalid_argument.key"},
      {"a\x01" "b", "invalid_argument.key"}, {"", "invalid_argument.key"},
      {".jobs/j.json", "invalid_argument.key"}, {"link/passwd", "local.escape"},
  };
  fs::create_directory_symlink("/etc", store->root() + "/link");
  for (const auto& c : cases) {
    CAPTURE(c.key);
    auto p = store->path_for(c.key);
    if (*c.id == '\0') {
      REQUIRE(p.ok());
      CHECK(p->rfind(store->root() + "/", 0) == 0);
    } else {
      REQUIRE_FALSE(p.ok());
      CHECK(p.status().id() == c.id);
    }
  }
}

TEST_CASE("writes become visible only when committed") {
  TempRoot t;
  auto store = DirStore::open(t.path);
  REQUIRE(store.ok());
  auto temp = store->temp_path_for("out/a.txt");
  REQUIRE(temp.ok());
  write(*temp, "hello");
  CHECK_FALSE(store->head("out/a.txt").ok());
  auto listed = store->list({});
  REQUIRE(listed.ok());
  CHECK(listed->objects.empty());  // the temporary file is not a key
  auto info = store->commit(*temp, "out/a.txt");
  REQUIRE(info.ok());
  CHECK(info->size == 5);
  CHECK(info->content_type == "text/plain");
  CHECK_FALSE(fs::exists(*temp));
  CHECK(store->head("out/a.txt").ok());
  CHECK(store->remove("out/a.txt").is_ok());
  CHECK(store->head("out/a.txt").status().id() == "local.NoSuchKey");
}

TEST_CASE("listing by prefix, delimiter and continuation") {
  TempRoot t;
  auto store = DirStore::open(t.path);
  REQUIRE(store.ok());
  for (const char* k : {"images/a.jpg", "images/b.jpg", "images/sub/c.jpg", "video/v.mp4", "top.txt"}) {
    write(store->root() + "/" + k, "x");
  }
  write(store->root() + "/.jobs/j.json", "{}");
  auto all = store->list({});
  REQUIRE(all.ok());
  CHECK(all->objects.size() == 5);
  auto dirs = store->list({"images/", "/", 1000, ""});
  REQUIRE(dirs.ok());
  REQUIRE(dirs->objects.size() == 2);
  CHECK(dirs->objects[0].key == "images/a.jpg");
  REQUIRE(dirs->common_prefixes.size() == 1);
  CHECK(dirs->common_prefixes[0] == "images/sub/");
  auto page1 = store->list({"", "", 2, ""});
  REQUIRE(page1.ok());
  CHECK(page1->truncated);
  CHECK(page1->objects.size() == 2);
  auto page2 = store->list({"", "", 2, page1->next_continuation_token});
  REQUIRE(page2.ok());
  CHECK(page2->objects.front().key > page1->objects.back().key);
  CHECK(store->list({"", "", 0, ""}).status().id() == "invalid_argument.object_list.max_keys");
}

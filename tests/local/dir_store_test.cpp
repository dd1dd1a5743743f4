#include "local/dir_store.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using omm::local::DirStore;
using omm::local::ListRequest;

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
      {"a.jpg", ""},
      {"dir/sub/a.jpg", ""},
      {"../x", "invalid_argument.key"},
      {"a/../../x", "invalid_argument.key"},
      {"/etc/passwd", "invalid_argument.key"},
      {"a\x01"
       "b",
       "invalid_argument.key"},
      {"", "invalid_argument.key"},
      {".jobs/j.json", "invalid_argument.key"},
      {"link/passwd", "local.escape"},
      {"./.jobs/j.json", "invalid_argument.key"},
      {".//.tmp/x", "invalid_argument.key"},
      {"a/./b.jpg", "invalid_argument.key"},
      {"a//b.jpg", "invalid_argument.key"},
      {"v/.omm-part-1-x.mp4", "invalid_argument.key"},
      // A segment longer than a file name may be: the key's fault, not an escape.
      {"a/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
       ".jpg",
       "invalid_argument.key"},
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
  CHECK(store->head("out/a.txt").status().id() == "object.NoSuchKey");
}

TEST_CASE("listing by prefix, delimiter and continuation") {
  TempRoot t;
  auto store = DirStore::open(t.path);
  REQUIRE(store.ok());
  for (const char* k :
       {"images/a.jpg", "images/b.jpg", "images/sub/c.jpg", "video/v.mp4", "top.txt"}) {
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
  auto page2 = store->list({"", "", 2, page1->next_after});
  REQUIRE(page2.ok());
  CHECK(page2->objects.front().key > page1->objects.back().key);
  CHECK(store->list({"", "", 0, ""}).status().id() == "invalid_argument.object_list.max_keys");
}

TEST_CASE("paging with a delimiter reaches every key once, 4-byte UTF-8 under a prefix included") {
  TempRoot t;
  auto store = DirStore::open(t.path);
  REQUIRE(store.ok());
  // Keys that sort after the common prefix's last byte: U+1F600 starts with 0xF0.
  const std::vector<std::string> keys = {
      "a.jpg",   "d/\xf0\x9f\x98\x80.jpg",   "d/\xf0\x9f\x98\x81/x.jpg",
      "d/z.jpg", "e/\xf0\x9f\x98\x80/y.jpg", "\xf0\x9f\x98\x80.jpg"};
  for (const auto& k : keys) {
    auto p = store->path_for(k);
    REQUIRE(p.ok());
    fs::create_directories(fs::path(*p).parent_path());
    std::ofstream(*p) << k;
  }
  for (const std::string delimiter : {"", "/"}) {
    for (int page_size : {1, 2, 3}) {
      CAPTURE(delimiter);
      CAPTURE(page_size);
      std::vector<std::string> seen;
      ListRequest req{"", delimiter, page_size, ""};
      for (int pages = 0; pages < 20; ++pages) {
        auto page = store->list(req);
        REQUIRE(page.ok());
        for (const auto& o : page->objects) seen.push_back(o.key);
        for (const auto& p : page->common_prefixes) seen.push_back(p);
        if (!page->truncated) break;
        REQUIRE_FALSE(page->next_after.empty());
        req.start_after = page->next_after;
      }
      std::vector<std::string> want =
          delimiter.empty() ? keys
                            : std::vector<std::string>{"a.jpg", "d/", "e/", "\xf0\x9f\x98\x80.jpg"};
      std::sort(want.begin(), want.end());
      std::sort(seen.begin(), seen.end());  // a page lists its objects, then its prefixes
      CHECK(seen == want);
    }
  }
}

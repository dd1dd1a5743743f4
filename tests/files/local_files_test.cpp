// LocalFiles: the rules for local files both backends follow.
#include "files/local_files.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using omm::files::LocalFiles;
using omm::files::LocalFilesOptions;

namespace {

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/omm-files-XXXXXX";
    path = fs::canonical(::mkdtemp(tmpl)).string();
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

LocalFiles make(const TempDir& t) {
  LocalFilesOptions o;
  o.output_dir = t.path + "/out";
  o.extra_input_dir = t.path + "/root";
  o.fetch_dir = t.path + "/root/.tmp";
  o.hidden = {{t.path + "/root/", ""}, {t.path + "/root", "the local root"}};
  fs::create_directories(t.path + "/root");
  auto f = LocalFiles::create(o);
  REQUIRE(f.ok());
  return std::move(*f);
}

}  // namespace

TEST_CASE("local uri sources: inside the input directories, never credential files") {
  TempDir t;
  LocalFiles files = make(t);
  std::ofstream(t.path + "/out/a.png") << "x";
  fs::create_directories(t.path + "/out/.aliyun");
  std::ofstream(t.path + "/out/.aliyun/config.json") << "{}";
  std::ofstream(t.path + "/elsewhere.png") << "x";
  LocalFiles::FetchedCopy fetched;
  CHECK(*files.resolve_uri("image_process", t.path + "/out/a.png", fetched) ==
        t.path + "/out/a.png");
  for (const std::string& bad : {t.path + "/elsewhere.png", t.path + "/out/.aliyun/config.json",
                                 t.path + "/out/../elsewhere.png", t.path + "/out/missing.png"}) {
    CAPTURE(bad);
    auto r = files.resolve_uri("image_process", bad, fetched);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.image_process.source.uri");
  }
  auto malformed = files.resolve_uri("video_snapshot", "http://user:pw@example.com/a.png", fetched);
  CHECK(malformed.status().id() == "invalid_argument.video_snapshot.source.uri");
}

TEST_CASE("download paths stay inside the output directory") {
  TempDir t;
  LocalFiles files = make(t);
  CHECK(*files.resolve_download_path("image_process", "sub/a.png") == t.path + "/out/sub/a.png");
  CHECK(*files.resolve_download_path("image_process", t.path + "/out/b.png") ==
        t.path + "/out/b.png");
  for (const std::string& bad : {std::string("../a.png"), t.path + "/a.png", std::string(".")}) {
    CAPTURE(bad);
    auto r = files.resolve_download_path("image_process", bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "invalid_argument.image_process.output.path");
    CHECK(r.status().message().find(t.path + "/out") == std::string::npos);
  }
}

TEST_CASE("messages never show the server's directories") {
  TempDir t;
  LocalFiles files = make(t);
  auto s = files.without_server_paths(
      omm::Status::error("local.io", "cannot write " + t.path + "/out/sub/x.png and " + t.path +
                                         "/root/in/a.png in " + t.path + "/root"));
  CHECK(s.id() == "local.io");
  CHECK(s.message() == "cannot write sub/x.png and in/a.png in the local root");
}

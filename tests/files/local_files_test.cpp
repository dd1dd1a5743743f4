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

TEST_CASE("client roots: file:// URIs of existing directories, decoded and bounded") {
  using omm::files::kMaxClientRoots;
  using omm::files::root_directories;
  TempDir t;
  fs::create_directories(t.path + "/a b/c");
  fs::create_directories(t.path + "/plain");
  std::ofstream(t.path + "/file.png") << "x";
  fs::create_symlink(t.path + "/plain", t.path + "/link");
  const std::string u = "file://" + t.path;
  CHECK(root_directories({u + "/a%20b", u + "/a%20b/c/", "file://localhost" + t.path + "/plain",
                          "FILE://" + t.path + "/link"}) ==
        std::vector<std::string>{t.path + "/a b", t.path + "/a b/c", t.path + "/plain",
                                 t.path + "/plain"});
  // Not a file:// URI of an existing directory: ignored.
  CHECK(root_directories({t.path + "/plain", "https://example.com" + t.path + "/plain",
                          "file://example.com" + t.path + "/plain", "file:plain", "file://",
                          u + "/missing", u + "/file.png", u + "/a%2", u + "/a%zzb",
                          u + "/plain%00", u + "/plain?x=1", u + "/plain#f",
                          "file://" + std::string(5000, '/') + t.path + "/plain"})
            .empty());
  // Only the first kMaxClientRoots are looked at.
  std::vector<std::string> many(kMaxClientRoots, u + "/missing");
  many.push_back(u + "/plain");
  CHECK(root_directories(many).empty());
  many[kMaxClientRoots - 1] = u + "/plain";
  CHECK(root_directories(many) == std::vector<std::string>{t.path + "/plain"});
}

TEST_CASE("local uri sources: the client's roots widen the input directories of one call") {
  TempDir t;
  LocalFiles files = make(t);
  fs::create_directories(t.path + "/mine/sub");
  fs::create_directories(t.path + "/mine/.aliyun");
  std::ofstream(t.path + "/mine/sub/a.png") << "x";
  std::ofstream(t.path + "/mine/.aliyun/config.json") << "{}";
  std::ofstream(t.path + "/other.png") << "x";
  fs::create_symlink(t.path + "/other.png", t.path + "/mine/escape.png");
  omm::core::Plan plan;
  plan.tool = "image_inspect";
  plan.source = {omm::core::Source::Kind::kUri, t.path + "/mine/sub/a.png"};
  LocalFiles::FetchedCopy fetched;

  // Without roots: refused, naming the caller's path and what would allow it.
  auto refused = files.resolve_uri(plan, fetched);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().id() == "invalid_argument.image_inspect.source.uri");
  const std::string m = refused.status().message();
  CHECK(m.find(t.path + "/mine/sub/a.png is outside the input directories") == 0);
  CHECK(m.find("--input-dir <a folder containing it>") != std::string::npos);
  CHECK(m.find("declare a root containing it (MCP roots)") != std::string::npos);
  CHECK(m.find(t.path + "/out") == std::string::npos);
  CHECK(m.find(t.path + "/root") == std::string::npos);
  CHECK(files.check_paths(plan).id() == "invalid_argument.image_inspect.source.uri");

  // A root containing it (or its folder): allowed, by check_paths as by resolve_uri.
  for (const std::string& root :
       {"file://" + t.path + "/mine", "file://" + t.path + "/mine/sub/"}) {
    CAPTURE(root);
    plan.roots = {"https://example.com/", root};
    CHECK(files.check_paths(plan).is_ok());
    auto r = files.resolve_uri(plan, fetched);
    REQUIRE(r.ok());
    CHECK(*r == t.path + "/mine/sub/a.png");
  }

  // Still refused inside a root: other folders, a symlink out of it, a credential file.
  plan.roots = {"file://" + t.path + "/mine"};
  for (const std::string& bad :
       {t.path + "/other.png", t.path + "/mine/escape.png", t.path + "/mine/../other.png"}) {
    CAPTURE(bad);
    plan.source.value = bad;
    auto r = files.resolve_uri(plan, fetched);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("and the client's file:// roots") != std::string::npos);
  }
  plan.source.value = t.path + "/mine/.aliyun/config.json";
  auto secret = files.check_paths(plan);
  CHECK(secret.id() == "invalid_argument.image_inspect.source.uri");
  CHECK(secret.message().find("credential file") != std::string::npos);
  plan.roots = {"file://" + t.path + "/mine/.aliyun"};
  CHECK(files.check_paths(plan).id() == "invalid_argument.image_inspect.source.uri");
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

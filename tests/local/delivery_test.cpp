#include "local/delivery.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using omm::local::copy_out;

namespace {

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/omm-delivery-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

void write(const std::string& p, const std::string& text) {
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream(p) << text;
}

std::string read(const std::string& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_part(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(".omm-part-", 0) == 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("copy_out: one file to a file path, parents created") {
  TempDir t;
  write(t / "store/out/a.mp4", "video");
  auto r = copy_out({t / "store/out/a.mp4"}, t / "dl/sub/a.mp4", false);
  REQUIRE(r.ok());
  CHECK(*r == t / "dl/sub/a.mp4");
  CHECK(read(t / "dl/sub/a.mp4") == "video");
  CHECK_FALSE(has_part(t / "dl"));
}

TEST_CASE("copy_out: frames go into the directory under their own names") {
  TempDir t;
  std::vector<std::string> frames;
  for (int n = 1; n <= 3; ++n) {
    frames.push_back(t / ("store/f/g_0_" + std::to_string(n) + ".jpg"));
    write(frames.back(), "frame" + std::to_string(n));
  }
  auto r = copy_out(frames, t / "dl/frames", true);
  REQUIRE(r.ok());
  CHECK(*r == t / "dl/frames");
  CHECK(fs::is_directory(t / "dl/frames"));
  CHECK(read(t / "dl/frames/g_0_1.jpg") == "frame1");
  CHECK(read(t / "dl/frames/g_0_3.jpg") == "frame3");
  CHECK_FALSE(has_part(t / "dl"));
}

TEST_CASE("copy_out: a failure removes what the call wrote") {
  TempDir t;
  write(t / "store/f_0_1.png", "one");
  // The second source does not exist: the first copy must not stay behind.
  auto r = copy_out({t / "store/f_0_1.png", t / "store/f_0_2.png"}, t / "dl/frames", true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().id() == "local.io");
  CHECK(r.status().message().find("f_0_2.png") != std::string::npos);
  CHECK_FALSE(fs::exists(t / "dl/frames/f_0_1.png"));
  CHECK_FALSE(has_part(t / "dl"));
  // A file path with several files is refused.
  auto two = copy_out({t / "store/f_0_1.png", t / "store/f_0_1.png"}, t / "dl/x.png", false);
  CHECK_FALSE(two.ok());
  CHECK_FALSE(fs::exists(t / "dl/x.png"));
}

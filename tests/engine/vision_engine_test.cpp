// The vision engine worker (src/engine/vision/) driven over its JSON-line protocol. Fixtures
// are generated and distorted by tests/engine/vision-fixtures (OpenCV) in a temporary folder.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "worker_client.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kEngine = OMM_BUILD_ROOT "/src/engine/vision/oss-media-engine-vision";
const std::string kFixtures = OMM_BUILD_ROOT "/tests/engine/vision-fixtures";

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/omm-vision-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// Runs argv (no shell) and returns its exit status; stdout goes to *out when given.
int run(const std::vector<std::string>& args, std::string* out = nullptr) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (out != nullptr) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void fixture(std::vector<std::string> args) {
  args.insert(args.begin(), kFixtures);
  CAPTURE(args[1]);
  REQUIRE(run(args) == 0);
}

double psnr(const std::string& a, const std::string& b) {
  std::string out;
  REQUIRE(run({kFixtures, "psnr", a, b}, &out) == 0);
  return std::atof(out.c_str());
}

// One worker process; requests and responses are JSON lines on its stdin/stdout.
class Worker : public omm::test::WorkerClient {
 public:
  explicit Worker(std::vector<std::string> flags = {}) : WorkerClient(kEngine, std::move(flags)) {}
};

json op(const std::string& name, json params = json::array()) {
  return json::array({{{"op", name}, {"params", params}}});
}

json detect(Worker& w, const std::string& name, const std::string& input) {
  return w.call({{"input", input}, {"output", ""}, {"operations", op(name)}});
}

json embed(Worker& w, const std::string& in, const std::string& out, const std::string& text,
           const std::string& strength, const std::string& key = "test-key") {
  return w.call({{"input", in},
                 {"output", out},
                 {"format", ""},
                 {"operations", op("blindwatermark", {{{"name", "content"}, {"value", text}},
                                                      {{"name", "s"}, {"value", strength}}})},
                 {"options", {{"watermark_key", key}}}});
}

json extract(Worker& w, const std::string& in, const std::string& key = "test-key") {
  return w.call(
      {{"input", in},
       {"output", ""},
       {"operations", op("blindwatermark-extract", {{{"name", "s"}, {"value", "medium"}}})},
       {"options", {{"watermark_key", key}}}});
}

std::string error_id(const json& r) {
  return r.value("ok", true) ? "" : r["error"]["id"].get<std::string>();
}

}  // namespace

TEST_CASE("vision engine: codes reads a generated QR code") {
  TempDir t;
  fixture({"qr", "https://example.com/omm?q=vision", t / "qr.png"});
  fixture({"scene", "3", "320", "240", t / "scene.png"});
  Worker w;
  json r = detect(w, "codes", t / "qr.png");
  REQUIRE(r["ok"] == true);
  REQUIRE(r["data"]["Codes"].size() == 1);
  const json& code = r["data"]["Codes"][0];
  CHECK(code["Content"] == "https://example.com/omm?q=vision");
  CHECK(code["Type"] == "qrcode");
  CHECK(code["Boundary"]["Left"].get<int>() >= 28);
  CHECK(code["Boundary"]["Width"].get<int>() > 100);
  CHECK(r["metadata"]["format"] == "png");

  fixture({"ean13", "5901234123457", t / "ean.png"});
  json ean = detect(w, "codes", t / "ean.png");
  REQUIRE(ean["ok"] == true);
  REQUIRE(ean["data"]["Codes"].size() == 1);
  CHECK(ean["data"]["Codes"][0]["Content"] == "5901234123457");
  CHECK(ean["data"]["Codes"][0]["Type"] == "EAN-13");

  json none = detect(w, "codes", t / "scene.png");
  REQUIRE(none["ok"] == true);
  CHECK(none["data"]["Codes"] == json::array());
}

TEST_CASE("vision engine: faces and bodies answer in IMM's shape") {
  TempDir t;
  fixture({"solid", "320", "240", "128", t / "blank.jpg"});
  fixture({"scene", "4", "320", "240", t / "scene.jpg"});
  Worker w;
  for (const char* name : {"faces", "bodies"}) {
    CAPTURE(name);
    std::string key = std::string(name) == "faces" ? "Faces" : "Bodies";
    json r = detect(w, name, t / "blank.jpg");  // also proves the cascade / detector loads
    REQUIRE(r["ok"] == true);
    CHECK(r["data"][key] == json::array());
    CHECK(r["metadata"]["width"] == 320);
    CHECK(r["metadata"]["height"] == 240);
    CHECK(r["metadata"]["format"] == "jpeg");
    json s = detect(w, name, t / "scene.jpg");
    REQUIRE(s["ok"] == true);
    for (const auto& hit : s["data"][key]) {
      CHECK(hit["Boundary"].contains("Left"));
      CHECK(hit["Confidence"].get<double>() >= 0.0);
      CHECK(hit["Confidence"].get<double>() <= 1.0);
    }
  }
}

TEST_CASE("vision engine: faces finds the face model and places its box") {
  TempDir t;
  fixture({"face", t / "face.png"});
  Worker w;
  json r = detect(w, "faces", t / "face.png");
  REQUIRE(r["ok"] == true);
  REQUIRE(r["data"]["Faces"].size() == 1);
  const json& b = r["data"]["Faces"][0]["Boundary"];
  int cx = b["Left"].get<int>() + b["Width"].get<int>() / 2;
  int cy = b["Top"].get<int>() + b["Height"].get<int>() / 2;
  CHECK(std::abs(cx - 160) < 20);  // the model's eyes-to-mouth centre is (160, 125)
  CHECK(std::abs(cy - 125) < 25);
  CHECK(b["Width"].get<int>() > 80);
}

TEST_CASE("vision engine: score ranks a sharp image above its blurred copy") {
  TempDir t;
  fixture({"scene", "5", "320", "240", t / "sharp.png"});
  fixture({"blur", t / "sharp.png", t / "blurred.png", "3"});
  Worker w;
  json sharp = detect(w, "score", t / "sharp.png");
  json blurred = detect(w, "score", t / "blurred.png");
  REQUIRE(sharp["ok"] == true);
  REQUIRE(blurred["ok"] == true);
  double a = sharp["data"]["ImageScore"]["OverallQualityScore"];
  double b = blurred["data"]["ImageScore"]["OverallQualityScore"];
  CAPTURE(a);
  CAPTURE(b);
  CHECK(a > b + 0.1);
  CHECK(a <= 1.0);
  CHECK(b >= 0.0);
}

TEST_CASE("vision engine: cars and labels belong to the oss backend") {
  TempDir t;
  fixture({"scene", "6", "160", "120", t / "s.png"});
  Worker w;
  for (const char* name : {"cars", "labels"}) {
    json r = detect(w, name, t / "s.png");
    CHECK(error_id(r) == std::string("unsupported_on_backend.") + name);
    CHECK(r["error"]["message"].get<std::string>().find("oss backend") != std::string::npos);
  }
}

TEST_CASE("vision engine: blind watermark survives recompression, resizing and brightness") {
  TempDir t;
  const std::string text = "© ACME";
  struct Source {
    const char* seed;
    const char* ext;
  } sources[] = {{"11", "png"}, {"12", "jpg"}};
  Worker w;
  for (const auto& src : sources) {
    CAPTURE(src.seed);
    std::string in = t / (std::string("in") + src.seed + "." + src.ext);
    std::string marked = t / (std::string("marked") + src.seed + "." + src.ext);
    fixture({"scene", src.seed, "320", "240", in});
    json e = embed(w, in, marked, text, "medium");
    REQUIRE_MESSAGE(e["ok"] == true, e.dump());
    CHECK(e["metadata"]["format"] == (std::string(src.ext) == "png" ? "png" : "jpeg"));
    CHECK(e["metadata"]["width"] == 320);
    CHECK(e["metadata"]["size"] == fs::file_size(marked));
    CHECK(psnr(in, marked) > 38.0);  // medium: ~40 dB on these scenes

    json unmarked = extract(w, in);
    REQUIRE(unmarked["ok"] == true);
    CHECK(unmarked["data"] == json{{"content", nullptr}, {"found", false}});
    CHECK(extract(w, marked, "another-key")["data"]["found"] == false);

    struct Attack {
      const char* name;
      std::vector<std::string> args;  // fixture command with IN and OUT inserted
    } attacks[] = {
        {"none", {}},
        {"jpeg q75", {"jpeg", "75"}},
        {"jpeg q50", {"jpeg", "50"}},
        {"resize x0.5", {"resize", "0.5"}},
        {"resize x1.5", {"resize", "1.5"}},
        {"brightness +20", {"bright", "20"}},
    };
    for (const auto& a : attacks) {
      CAPTURE(a.name);
      std::string attacked = marked;
      if (!a.args.empty()) {
        attacked = t / (std::string("attacked.") + (a.args[0] == "jpeg" ? "jpg" : "png"));
        fixture({a.args[0], marked, attacked, a.args[1]});
      }
      json r = extract(w, attacked);
      REQUIRE(r["ok"] == true);
      CHECK(r["data"]["content"] == text);
      CHECK(r["data"]["found"] == true);
    }
  }
}

TEST_CASE("vision engine: blind watermark refusals") {
  TempDir t;
  fixture({"scene", "13", "320", "240", t / "in.png"});
  fixture({"scene", "13", "48", "48", t / "tiny.png"});
  Worker w;
  CHECK(error_id(embed(w, t / "in.png", t / "o.png", "x", "max")) ==
        "invalid_argument.blindwatermark.s");
  CHECK(error_id(embed(w, t / "in.png", t / "o.png", "", "low")) ==
        "invalid_argument.blindwatermark.content");
  CHECK(error_id(embed(w, t / "in.png", t / "o.png", std::string(400, 'a'), "low")) ==
        "invalid_argument.blindwatermark.content");
  CHECK(error_id(embed(w, t / "tiny.png", t / "o.png", "x", "low")) == "engine.unsupported");
  CHECK(!fs::exists(t / "o.png"));
}

TEST_CASE("vision engine: pixel limit, bad input and unknown operations") {
  TempDir t;
  fixture({"scene", "14", "320", "240", t / "in.jpg"});
  fixture({"scene", "14", "320", "240", t / "in.png"});
  for (const char* ext : {"webp", "bmp", "tiff"}) {
    fixture({"scene", "14", "320", "240", t / (std::string("in.") + ext)});
  }
  std::ofstream(t / "garbage.jpg") << "not an image at all";
  {
    std::ifstream png(t / "in.png", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(png)), {});
    std::ofstream(t / "truncated.png", std::ios::binary) << bytes.substr(0, 200);
    std::ifstream jpg(t / "in.jpg", std::ios::binary);
    std::string jbytes((std::istreambuf_iterator<char>(jpg)), {});
    std::ofstream(t / "header-only.jpg", std::ios::binary) << jbytes.substr(0, 20);
    // Half a JPEG: a complete header, half the scan. OpenCV would decode it with grey rows.
    std::ofstream(t / "half.jpg", std::ios::binary) << jbytes.substr(0, jbytes.size() / 2);
    std::ofstream(t / "empty.jpg").close();
  }
  Worker limited({"--max-pixels", "70000"});
  for (const char* name : {"in.jpg", "in.png", "in.webp", "in.bmp", "in.tiff"}) {
    CAPTURE(name);
    json r = detect(limited, "faces", t / name);
    CHECK(error_id(r) == "engine.limit.pixels");
    CHECK(r["error"]["message"].get<std::string>().find("320x240") != std::string::npos);
    CHECK(r["error"]["message"].get<std::string>().find("read from the header; nothing was "
                                                        "decoded") != std::string::npos);
  }
  CHECK(error_id(extract(limited, t / "in.png")) == "engine.limit.pixels");

  Worker w;
  for (const char* name : {"in.jpg", "in.png", "in.webp", "in.bmp", "in.tiff"}) {
    CAPTURE(name);
    json r = detect(w, "score", t / name);
    CHECK(r["ok"] == true);
    CHECK(r["metadata"]["width"] == 320);
  }
  struct Case {
    const char* input;
    const char* op;
    const char* id;
  } cases[] = {
      {"garbage.jpg", "faces", "engine.decode"},     {"truncated.png", "codes", "engine.decode"},
      {"header-only.jpg", "score", "engine.decode"}, {"missing.png", "bodies", "engine.decode"},
      {"half.jpg", "faces", "engine.decode"},        {"empty.jpg", "codes", "engine.decode"},
      {"in.png", "resize", "engine.unsupported"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(error_id(detect(w, c.op, t / c.input)) == c.id);
  }
  CHECK(detect(w, "faces", t / "half.jpg")["error"]["message"] ==
        "the jpeg input is truncated (no end-of-image marker after its scan)");
  CHECK(detect(w, "faces", t / "empty.jpg")["error"]["message"] == "the input is empty (0 bytes)");
  json two = w.call({{"input", t / "in.png"},
                     {"operations", json::array({{{"op", "faces"}}, {{"op", "codes"}}})}});
  CHECK(error_id(two) == "engine.unsupported");
  CHECK(detect(w, "faces", t / "in.png")["ok"] == true);  // the worker still serves
}

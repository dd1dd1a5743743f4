// oss-media-engine-image over its JSON-line protocol (docs/local-backend.md). Fixtures are made
// with the vips CLI or written byte by byte; every output is checked with vipsheader / vips
// getpoint / vips avg, independent of the engine's own metadata.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "worker_client.h"

using nlohmann::json;

namespace {

const char* kEngine = OMM_BUILD_ROOT "/src/engine/image/oss-media-engine-image";

bool engine_built() { return ::access(kEngine, X_OK) == 0; }

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One image worker process (tests/engine/worker_client.h).
class Worker : public omm::test::WorkerClient {
 public:
  explicit Worker(std::vector<std::string> flags = {}) : WorkerClient(kEngine, std::move(flags)) {}
};

// A "Vm…:" figure (kB) from /proc/<pid>/status.
long proc_kb(pid_t pid, const std::string& field) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

struct Hdr {
  int w = 0, h = 0, bands = 0;
  std::string loader;
};

// "file: 320x240 uchar, 3 bands, srgb, jpegload"
Hdr vipsheader(const std::string& path) {
  std::string line = run("vipsheader '" + path + "'");
  std::smatch m;
  Hdr h;
  if (std::regex_search(line, m, std::regex(R"((\d+)x(\d+) \w+, (\d+) bands?, \w+, (\w+))"))) {
    h.w = std::stoi(m[1]);
    h.h = std::stoi(m[2]);
    h.bands = std::stoi(m[3]);
    h.loader = m[4];
  }
  return h;
}

std::vector<int> getpoint(const std::string& path, int x, int y) {
  std::istringstream in(
      run("vips getpoint '" + path + "' " + std::to_string(x) + " " + std::to_string(y)));
  std::vector<int> v;
  double d;
  while (in >> d) v.push_back(static_cast<int>(d + 0.5));
  return v;
}

double avg(const std::string& path) { return std::atof(run("vips avg '" + path + "'").c_str()); }

std::uint32_t crc32(const std::string& s) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string png_chunk(const std::string& type, const std::string& data) {
  return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

// The fixture directory, made once per test run.
struct Fixtures {
  std::string dir;
  Fixtures() {
    char tmpl[] = "/tmp/omm-image-engine-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::string d = dir + "/";
    std::string script =
        "cd '" + dir +
        "' && vips black b.v 320 240 --bands 3 && "
        "vips linear b.v base.png '1 1 1' '92 120 58' --uchar && vips copy base.png base.jpg[Q=80] "
        "&& "
        "vips copy base.png base.gif && vips copy base.png base.webp && "
        "vips bandjoin_const base.png alpha.png 128 && "
        "vips black w.v 200 100 --bands 3 && vips linear w.v wide.png '1 1 1' '0 0 255' --uchar && "
        "vips black m.v 60 40 --bands 3 && vips linear m.v mark.png '1 1 1' '255 0 0' --uchar && "
        "vips xyz xy.v 320 240 && vips linear xy.v g.v '0.5 0.5' '0 0' --uchar && "
        "vips bandjoin_const g.v g3.v 0 && vips copy g3.v grad.png --interpretation srgb && "
        "vips gaussnoise n.v 320 240 --mean 128 --sigma 40 && vips cast n.v n8.v uchar && "
        "vips bandjoin 'n8.v n8.v n8.v' n3.v && vips copy n3.v noise.jpg[Q=80] --interpretation "
        "srgb && "
        "vips black big.png 4097 8";
    REQUIRE(std::system(script.c_str()) == 0);
    // EXIF orientation 6 (APP1 after SOI): 320x240 stored, 240x320 shown.
    std::string jpg = read_file(d + "base.jpg");
    std::string tiff =
        std::string("MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0", 26);
    std::string app1 = std::string("\xFF\xE1\0\x22", 4) + std::string("Exif\0\0", 6) + tiff;
    write_file(d + "orient.jpg", jpg.substr(0, 2) + app1 + jpg.substr(2));
    // A PNG whose header claims 100000x100000 RGB, with a tiny (stored, empty) IDAT.
    std::string ihdr = be32(100000) + be32(100000) + std::string("\x08\x02\0\0\0", 5);
    std::string idat("\x78\x01\x01\0\0\xff\xff\0\0\0\x01", 11);
    write_file(d + "bomb.png", std::string("\x89PNG\r\n\x1A\n", 8) + png_chunk("IHDR", ihdr) +
                                   png_chunk("IDAT", idat) + png_chunk("IEND", ""));
    write_file(d + "empty.jpg", "");
    write_file(d + "text.jpg", "this is not an image\n");
    write_file(d + "trunc.jpg", read_file(d + "noise.jpg").substr(0, 3000));
  }
  ~Fixtures() { std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string operator()(const std::string& name) const { return dir + "/" + name; }
};

const Fixtures& fx() {
  static Fixtures f;
  return f;
}

json op(const std::string& name, json params = json::object()) {
  json list = json::array();
  for (auto& [k, v] : params.items()) list.push_back({{"name", k}, {"value", v}});
  return {{"op", name}, {"params", list}};
}

json job(const std::string& input, const std::string& output, json ops, json format = nullptr) {
  return {{"input", fx()(input)},
          {"output", output.empty() ? "" : fx()(output)},
          {"format", format},
          {"operations", ops},
          {"options", json::object()}};
}

#define SKIP_WITHOUT_ENGINE()                                  \
  if (!engine_built()) {                                       \
    MESSAGE("oss-media-engine-image was not built; skipping"); \
    return;                                                    \
  }

}  // namespace

TEST_CASE("image_engine: resize modes, limit, percent and shrink-on-load") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  struct Case {
    const char* src;
    json params;
    int w, h;
  } cases[] = {
      // The OSS documentation's example: 200x100, w=150,h=80.
      {"wide.png", {{"w", 150}, {"h", 80}, {"m", "lfit"}}, 150, 75},
      {"wide.png", {{"w", 150}, {"h", 80}, {"m", "mfit"}}, 160, 80},
      {"wide.png", {{"w", 150}, {"h", 80}, {"m", "fill"}}, 150, 80},
      {"wide.png", {{"w", 150}, {"h", 80}, {"m", "pad"}}, 150, 80},
      {"wide.png", {{"w", 150}, {"h", 80}, {"m", "fixed"}}, 150, 80},
      {"wide.png", {{"w", 150}, {"h", 80}}, 150, 75},      // lfit is the default
      {"wide.png", {{"w", 100}}, 100, 50},                 // only w: proportional
      {"wide.png", {{"h", 50}, {"m", "fixed"}}, 100, 50},  // only h, fixed: proportional
      {"wide.png", {{"w", 100}, {"m", "pad"}}, 100, 100},  // only w, pad: w×w box
      {"wide.png", {{"h", 50}, {"m", "fill"}}, 50, 50},    // only h, fill: h×h box
      {"wide.png", {{"l", 100}}, 100, 50},
      {"wide.png", {{"s", 50}, {"m", "fixed"}}, 100, 50},  // m ignored with s alone
      {"wide.png", {{"l", 100}, {"s", 100}, {"m", "lfit"}}, 100, 50},
      {"wide.png", {{"p", 50}}, 100, 50},
      {"wide.png", {{"p", 150}}, 300, 150},  // p enlarges regardless of limit
      {"wide.png", {{"w", 400}}, 200, 100},  // limit=1: the source comes back
      {"wide.png", {{"w", 400}, {"limit", 0}}, 400, 200},
      {"base.jpg", {{"w", 40}}, 40, 30},                             // JPEG shrink-on-load path
      {"base.webp", {{"w", 40}, {"h", 40}, {"m", "fill"}}, 40, 40},  // WebP scale-on-load path
  };
  for (const Case& c : cases) {
    CAPTURE(c.params.dump());
    json r = w.call(job(c.src, "out.png", json::array({op("resize", c.params)}), "png"));
    REQUIRE(r["ok"] == true);
    Hdr h = vipsheader(fx()("out.png"));
    CHECK(h.w == c.w);
    CHECK(h.h == c.h);
    CHECK(h.loader == "pngload");
    CHECK(r["metadata"]["width"] == c.w);
  }
  // pad fills with color (centred): a red band above and below the 100x50 blue image.
  json r = w.call(job(
      "wide.png", "pad.png",
      json::array({op("resize", {{"w", 100}, {"h", 100}, {"m", "pad"}, {"color", "FF0000"}})})));
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("pad.png"), 50, 5) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("pad.png"), 50, 50) == std::vector<int>{0, 0, 255});
}

TEST_CASE("image_engine: crop gravities, clamping and origins out of the image") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  // grad.png: R = x/2, G = y/2, so the first pixel of the crop tells its origin.
  struct Case {
    const char* g;
    int x0, y0;
  } cases[] = {{"nw", 0, 0},    {"north", 110, 0},   {"ne", 220, 0},
               {"west", 0, 80}, {"center", 110, 80}, {"east", 220, 80},
               {"sw", 0, 160},  {"south", 110, 160}, {"se", 220, 160}};
  for (const Case& c : cases) {
    CAPTURE(c.g);
    json r = w.call(job("grad.png", "crop.png",
                        json::array({op("crop", {{"w", 100}, {"h", 80}, {"g", c.g}})})));
    REQUIRE(r["ok"] == true);
    Hdr h = vipsheader(fx()("crop.png"));
    CHECK(h.w == 100);
    CHECK(h.h == 80);
    CHECK(getpoint(fx()("crop.png"), 0, 0) == std::vector<int>{c.x0 / 2, c.y0 / 2, 0});
  }
  json r = w.call(job("grad.png", "crop.png",
                      json::array({op("crop", {{"w", 100}, {"h", 100}, {"x", 300}, {"y", 10}})})));
  REQUIRE(r["ok"] == true);
  CHECK(vipsheader(fx()("crop.png")).w == 20);  // clamped at the edge
  CHECK(vipsheader(fx()("crop.png")).h == 100);
  r = w.call(job("grad.png", "crop.png", json::array({op("crop", {{"x", 10}})})));
  CHECK(vipsheader(fx()("crop.png")).w == 310);  // w defaults to the rest of the image
  r = w.call(job("grad.png", "crop.png", json::array({op("crop", {{"x", 320}})})));
  CHECK(r["error"]["id"] == "invalid_argument.crop.x");
  CHECK(r["error"]["message"].get<std::string>().find("out of image") != std::string::npos);
  r = w.call(job("grad.png", "crop.png", json::array({op("crop", {{"g", "se"}, {"y", 240}})})));
  CHECK(r["error"]["id"] == "invalid_argument.crop.y");
  r = w.call(job("grad.png", "crop.png", json::array({op("crop", {{"g", "face"}})})));
  CHECK(r["error"]["id"] == "engine.unsupported");
  CHECK(r["error"]["message"].get<std::string>().find("vision") != std::string::npos);
}

TEST_CASE("image_engine: indexcrop, rotate, flip, auto-orient") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  struct Case {
    const char* src;
    json op;
    int w, h;
  } cases[] = {
      {"grad.png", op("indexcrop", {{"x", 100}, {"i", 1}}), 100, 240},
      {"grad.png", op("indexcrop", {{"x", 100}, {"i", 3}}), 20, 240},   // the short last slice
      {"grad.png", op("indexcrop", {{"x", 100}, {"i", 4}}), 320, 240},  // past the end: original
      {"grad.png", op("indexcrop", {{"y", 100}, {"i", 2}}), 320, 40},
      {"grad.png", op("rotate", {{"value", 90}}), 240, 320},
      {"grad.png", op("rotate", {{"value", 180}}), 320, 240},
      {"grad.png", op("rotate", {{"value", 360}}), 320, 240},
      {"grad.png", op("flip", {{"value", 2}}), 320, 240},
      {"orient.jpg", op("auto-orient", {{"value", 1}}), 240, 320},
      {"orient.jpg", op("auto-orient", {{"value", 0}}), 320, 240},
  };
  for (const Case& c : cases) {
    CAPTURE(c.op.dump());
    json r = w.call(job(c.src, "geo.png", json::array({c.op}), "png"));
    REQUIRE(r["ok"] == true);
    CHECK(vipsheader(fx()("geo.png")).w == c.w);
    CHECK(vipsheader(fx()("geo.png")).h == c.h);
  }
  // 90° clockwise: the old bottom-left corner (x 0, y 239) is the new top-left.
  w.call(job("grad.png", "geo.png", json::array({op("rotate", {{"value", 90}})})));
  CHECK(getpoint(fx()("geo.png"), 0, 0) == std::vector<int>{0, 119, 0});
  // Other angles enlarge the canvas with white.
  json r = w.call(job("grad.png", "geo.png", json::array({op("rotate", {{"value", 30}})})));
  REQUIRE(r["ok"] == true);
  Hdr h = vipsheader(fx()("geo.png"));
  CHECK(h.w > 320);
  CHECK(h.h > 240);
  CHECK(getpoint(fx()("geo.png"), 0, 0) == std::vector<int>{255, 255, 255});
  // Clockwise: the old top-left corner becomes the topmost point, near (120, 0).
  std::vector<int> top = getpoint(fx()("geo.png"), 120, 6);
  REQUIRE(top.size() == 3);
  CHECK(top[0] < 30);
  CHECK(top[1] < 30);
  r = w.call(job("big.png", "geo.png", json::array({op("rotate", {{"value", 90}})})));
  CHECK(r["error"]["id"] == "invalid_argument.rotate.source");
  // flip 0: vertical (top-bottom), 1: horizontal (left-right).
  w.call(job("grad.png", "geo.png", json::array({op("flip", {{"value", 0}})})));
  CHECK(getpoint(fx()("geo.png"), 0, 0) == std::vector<int>{0, 119, 0});
  w.call(job("grad.png", "geo.png", json::array({op("flip", {{"value", 1}})})));
  CHECK(getpoint(fx()("geo.png"), 0, 0) == std::vector<int>{159, 0, 0});
  w.call(job("grad.png", "geo.png", json::array({op("flip", {{"value", 2}})})));
  CHECK(getpoint(fx()("geo.png"), 0, 0) == std::vector<int>{159, 119, 0});
}

TEST_CASE("image_engine: every output format Debian's libvips writes") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  struct Case {
    const char* format;
    const char* loader;
    const char* magic;  // bytes 4..12 for the HEIF family
  } cases[] = {{"jpg", "jpegload", ""},          {"png", "pngload", ""},
               {"webp", "webpload", ""},         {"gif", "gifload", ""},
               {"bmp", "magickload", ""},        {"tiff", "tiffload", ""},
               {"heic", "heifload", "ftypheic"}, {"avif", "heifload", "ftypavif"}};
  for (const Case& c : cases) {
    CAPTURE(c.format);
    // Given as request.format …
    json r = w.call(job("base.png", "fmt.out", json::array({op("resize", {{"w", 64}})}), c.format));
    REQUIRE(r["ok"] == true);
    Hdr h = vipsheader(fx()("fmt.out"));
    CHECK(h.loader == c.loader);
    CHECK(h.w == 64);
    CHECK(h.h == 48);
    CHECK(r["metadata"]["format"] == c.format);
    if (*c.magic) CHECK(read_file(fx()("fmt.out")).substr(4, 8) == c.magic);
    // … or only as the format operation.
    r = w.call(job("base.png", "fmt2.out", json::array({op("format", {{"value", c.format}})})));
    REQUIRE(r["ok"] == true);
    CHECK(vipsheader(fx()("fmt2.out")).loader == c.loader);
  }
  // No format anywhere: the source's own (GIF stays GIF).
  json r = w.call(job("base.gif", "same.out", json::array({op("flip", {{"value", 1}})})));
  REQUIRE(r["ok"] == true);
  CHECK(vipsheader(fx()("same.out")).loader == "gifload");
  r = w.call(job("base.png", "x.out", json::array(), "jxl"));
  CHECK(r["error"]["id"] == "engine.unsupported");
}

TEST_CASE("image_engine: quality Q and q, interlace") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  auto size_with = [&](json params) {
    json r = w.call(job("noise.jpg", "q.jpg", json::array({op("quality", params)})));
    REQUIRE(r["ok"] == true);
    CHECK(vipsheader(fx()("q.jpg")).loader == "jpegload");
    return read_file(fx()("q.jpg")).size();
  };
  std::size_t q30 = size_with({{"Q", 30}}), q80 = size_with({{"Q", 80}});
  CHECK(q30 < q80);
  CHECK(size_with({{"Q", 95}}) == q80);                     // never above the source's quality (80)
  CHECK(size_with({{"q", 50}}) == size_with({{"Q", 40}}));  // 50 % of 80
  json r = w.call(job("noise.jpg", "i.jpg", json::array({op("interlace", {{"value", 1}})})));
  REQUIRE(r["ok"] == true);
  CHECK(run("vipsheader -f interlaced '" + fx()("i.jpg") + "'").rfind("1", 0) == 0);
  r = w.call(job("noise.jpg", "i.jpg", json::array({op("interlace", {{"value", 0}})})));
  CHECK(run("vipsheader -f interlaced '" + fx()("i.jpg") + "'").empty());
}

TEST_CASE("image_engine: text watermarks (Chinese, shadow, rotate, tiling, opacity)") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  double base = avg(fx()("base.png"));
  auto marked = [&](json params) {
    json r = w.call(job("base.png", "wm.png", json::array({op("watermark", params)})));
    REQUIRE(r["ok"] == true);
    Hdr h = vipsheader(fx()("wm.png"));
    CHECK(h.w == 320);
    CHECK(h.h == 240);
    CHECK(h.bands == 3);
    return avg(fx()("wm.png"));
  };
  double plain = marked({{"text", "测试水印"}, {"size", 40}});
  CHECK(plain < base);  // black text on the colour
  double tiled =
      marked({{"text", "测试水印"}, {"size", 20}, {"fill", 1}, {"padx", 10}, {"pady", 10}});
  CHECK(tiled < plain);  // covers the whole image
  CHECK(marked({{"text", "测试水印"}, {"t", 0}}) == doctest::Approx(base));
  CHECK(marked({{"text", "Hello"},
                {"type", "wqy-microhei"},
                {"color", "FFFFFF"},
                {"size", 30},
                {"shadow", 60},
                {"rotate", 45},
                {"g", "center"},
                {"voffset", 20}}) != base);
  CHECK(marked({{"text", "fallback <&>"}, {"type", "fangzhengkaiti"}, {"g", "nw"}}) < base);
  // The mark sits at g=se with 10 px margins: the top-left corner stays untouched.
  marked({{"text", "测试水印"}, {"size", 40}, {"g", "se"}});
  CHECK(getpoint(fx()("wm.png"), 5, 5) == std::vector<int>{92, 120, 58});
}

TEST_CASE("image_engine: image watermarks with preprocess, and image plus text") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  auto with_mark = [&](json params) {
    json j = job("base.png", "wm.png", json::array({op("watermark", params)}), "png");
    j["options"] = {{"watermark_images", {{"logo/mark.png", fx()("mark.png")}}}};
    return w.call(j);
  };
  // Plain: 60x40 red at se, margins 10.
  json r = with_mark({{"image", "logo/mark.png"}});
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("wm.png"), 320 - 11, 240 - 11) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("wm.png"), 320 - 75, 240 - 11) == std::vector<int>{92, 120, 58});
  // P_50: fits into 160x120 (50 % of the base) → 160x107; then rotate 90 → 107x160.
  r = with_mark({{"image", "logo/mark.png?x-oss-process=image/resize,P_50/rotate,90"},
                 {"g", "nw"},
                 {"x", 0},
                 {"y", 0}});
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("wm.png"), 100, 150) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("wm.png"), 112, 150) == std::vector<int>{92, 120, 58});
  CHECK(getpoint(fx()("wm.png"), 100, 165) == std::vector<int>{92, 120, 58});
  // crop + rounded-corners preprocess: a 20x20 mark with transparent corners.
  r = with_mark({{"image", "logo/mark.png?x-oss-process=image/crop,w_20,h_20/rounded-corners,r_8"},
                 {"g", "nw"},
                 {"x", 0},
                 {"y", 0}});
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("wm.png"), 10, 10) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("wm.png"), 0, 0) == std::vector<int>{92, 120, 58});
  CHECK(getpoint(fx()("wm.png"), 25, 10) == std::vector<int>{92, 120, 58});
  // indexcrop + resize preprocess, tiled.
  r = with_mark(
      {{"image", "logo/mark.png?x-oss-process=image/indexcrop,x_10,i_0/resize,w_5,h_5,m_fixed"},
       {"fill", 1},
       {"padx", 5},
       {"pady", 5}});
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("wm.png"), 2, 2) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("wm.png"), 12, 12) == std::vector<int>{255, 0, 0});
  CHECK(getpoint(fx()("wm.png"), 7, 7) == std::vector<int>{92, 120, 58});
  // Image and text: text first (order 1), middle aligned, 10 px apart.
  r = with_mark({{"image", "logo/mark.png"},
                 {"text", "测试"},
                 {"size", 20},
                 {"order", 1},
                 {"align", 1},
                 {"interval", 10},
                 {"g", "nw"},
                 {"x", 0},
                 {"y", 0}});
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("wm.png"), 0, 0) == std::vector<int>{92, 120, 58});  // text starts first
  CHECK(vipsheader(fx()("wm.png")).w == 320);
  // Opacity 50 over the colour: half way to red.
  r = with_mark({{"image", "logo/mark.png"}, {"t", 50}, {"g", "nw"}, {"x", 0}, {"y", 0}});
  std::vector<int> px = getpoint(fx()("wm.png"), 5, 5);
  REQUIRE(px.size() == 3);
  CHECK(px[0] == doctest::Approx((255 + 92) / 2.0).epsilon(0.02));
  // A mark the executor did not provide.
  r = with_mark({{"image", "other.png"}});
  CHECK(r["error"]["id"] == "invalid_argument.watermark.image");
}

TEST_CASE("image_engine: blur, sharpen, bright, contrast, circle, rounded-corners") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  json r = w.call(job("base.png", "fx.png", json::array({op("bright", {{"value", 20}})})));
  REQUIRE(r["ok"] == true);
  CHECK(getpoint(fx()("fx.png"), 10, 10) == std::vector<int>{143, 171, 109});
  r = w.call(job("base.png", "fx.png", json::array({op("contrast", {{"value", -100}})})));
  CHECK(getpoint(fx()("fx.png"), 10, 10) == std::vector<int>{128, 128, 128});
  r = w.call(job("base.png", "fx.png", json::array({op("contrast", {{"value", 50}})})));
  std::vector<int> c = getpoint(fx()("fx.png"), 10, 10);
  REQUIRE(c.size() == 3);
  CHECK(c[0] < 92);  // darker than mid-grey gets darker
  CHECK(c[1] < 120);
  for (json o : {op("blur", {{"r", 5}, {"s", 3}}), op("sharpen", {{"value", 100}}),
                 op("sharpen", {{"value", 399}})}) {
    CAPTURE(o.dump());
    r = w.call(job("noise.jpg", "fx.jpg", json::array({o})));
    REQUIRE(r["ok"] == true);
    CHECK(vipsheader(fx()("fx.jpg")).w == 320);
  }
  // Blur smooths noise: the standard deviation drops.
  double before = std::atof(run("vips deviate '" + fx()("noise.jpg") + "'").c_str());
  w.call(job("noise.jpg", "fx.jpg", json::array({op("blur", {{"r", 5}, {"s", 3}})})));
  CHECK(std::atof(run("vips deviate '" + fx()("fx.jpg") + "'").c_str()) < before / 2);
  r = w.call(
      job("noise.jpg", "fx.jpg", json::array({op("blur", {{"r", 5}, {"s", 3}, {"g", "face"}})})));
  CHECK(r["error"]["id"] == "engine.unsupported");
  // circle: 2r square; transparent corners in PNG, white in JPEG.
  r = w.call(job("base.png", "fx.png", json::array({op("circle", {{"r", 50}})})));
  Hdr h = vipsheader(fx()("fx.png"));
  CHECK(h.w == 100);
  CHECK(h.h == 100);
  CHECK(h.bands == 4);
  CHECK(getpoint(fx()("fx.png"), 0, 0)[3] == 0);
  CHECK(getpoint(fx()("fx.png"), 50, 50) == std::vector<int>{92, 120, 58, 255});
  r = w.call(job("base.png", "fx.jpg", json::array({op("circle", {{"r", 500}})}), "jpg"));
  h = vipsheader(fx()("fx.jpg"));
  CHECK(h.w == 240);  // capped at half the shorter side
  CHECK(h.bands == 3);
  std::vector<int> corner = getpoint(fx()("fx.jpg"), 0, 0);
  REQUIRE(corner.size() == 3);
  CHECK(corner[0] > 245);
  CHECK(corner[1] > 245);
  r = w.call(job("base.png", "fx.png", json::array({op("rounded-corners", {{"r", 30}})})));
  h = vipsheader(fx()("fx.png"));
  CHECK(h.w == 320);
  CHECK(h.bands == 4);
  CHECK(getpoint(fx()("fx.png"), 0, 0)[3] == 0);
  CHECK(getpoint(fx()("fx.png"), 30, 0)[3] == 255);
  CHECK(getpoint(fx()("fx.png"), 160, 120)[3] == 255);
}

TEST_CASE("image_engine: info and average-hue") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  json r = w.call(job("base.jpg", "", json::array({op("info")})));
  REQUIRE(r["ok"] == true);
  CHECK(r["data"]["ImageWidth"]["value"] == "320");
  CHECK(r["data"]["ImageHeight"]["value"] == "240");
  CHECK(r["data"]["Format"]["value"] == "jpg");
  CHECK(r["data"]["FileSize"]["value"] == std::to_string(read_file(fx()("base.jpg")).size()));
  r = w.call(job("orient.jpg", "", json::array({op("info")})));
  REQUIRE(r["ok"] == true);
  CHECK(r["data"]["Orientation"]["value"] == "6");
  r = w.call(job("base.png", "", json::array({op("info")})));
  CHECK(r["data"]["Format"]["value"] == "png");
  r = w.call(job("base.png", "", json::array({op("average-hue")})));
  REQUIRE(r["ok"] == true);
  CHECK(r["data"] == json{{"RGB", "0x5c783a"}});
  r = w.call(job("alpha.png", "", json::array({op("average-hue")})));
  CHECK(r["data"] == json{{"RGB", "0x5c783a"}});
}

TEST_CASE("image_engine: pixel limit, bad inputs, and the worker keeps serving") {
  SKIP_WITHOUT_ENGINE();
  Worker w;
  json r = w.call(job("bomb.png", "o.png", json::array({op("resize", {{"w", 10}})})));
  CHECK(r["error"]["id"] == "engine.limit.pixels");
  r = w.call(job("bomb.png", "", json::array({op("info")})));
  CHECK(r["error"]["id"] == "engine.limit.pixels");
  struct Case {
    const char* file;
    const char* words;
  } cases[] = {{"empty.jpg", "empty"},
               {"text.jpg", "not an image"},
               {"trunc.jpg", "cannot decode the jpg input"},
               {"missing.jpg", "cannot open"}};
  for (const Case& c : cases) {
    CAPTURE(c.file);
    r = w.call(job(c.file, "o.png", json::array({op("resize", {{"w", 10}})})));
    CHECK(r["ok"] == false);
    CHECK(r["error"]["id"] == "engine.decode");
    CHECK(r["error"]["message"].get<std::string>().find(c.words) != std::string::npos);
  }
  r = w.call(job("base.png", "o.png", json::array({op("blindwatermark", {{"content", "x"}})})));
  CHECK(r["error"]["id"] == "engine.unsupported");
  r = w.call(job("base.png", "o.png", json::array({op("resize", {{"w", 10}})})));
  CHECK(r["ok"] == true);
  CHECK(vipsheader(fx()("o.png")).w == 10);

  Worker small({"--max-pixels", "1000"});
  r = small.call(job("base.png", "o.png", json::array({op("resize", {{"w", 10}})})));
  CHECK(r["error"]["id"] == "engine.limit.pixels");
  r = small.call(job("wide.png", "o.png", json::array({op("resize", {{"w", 10}})})));
  CHECK(r["error"]["id"] == "engine.limit.pixels");
}

TEST_CASE("image_engine: memory stays flat over many jobs (one malloc arena)") {
  SKIP_WITHOUT_ENGINE();
  // libvips runs each job on fresh threads; with glibc's default of one arena per new thread the
  // worker reserved 64 MiB of address space per arena (VmPeak ~512 MiB here, counted against
  // --memory-limit-mb) and its resident peak crept up job after job.
  Worker w;
  json resize_blur =
      job("noise.jpg", "flat.png",
          json::array({op("resize", {{"w", 200}}), op("blur", {{"r", 3}, {"s", 2}})}));
  for (int i = 0; i < 2; ++i) REQUIRE(w.call(resize_blur)["ok"] == true);
  long hwm_after_2 = proc_kb(w.pid(), "VmHWM");
  for (int i = 0; i < 12; ++i) REQUIRE(w.call(resize_blur)["ok"] == true);
  long hwm_after_14 = proc_kb(w.pid(), "VmHWM");
  long peak = proc_kb(w.pid(), "VmPeak");
  CAPTURE(hwm_after_2);
  CAPTURE(hwm_after_14);
  CHECK(peak > 0);
  CHECK(peak < 320 * 1024);
  CHECK(hwm_after_14 - hwm_after_2 < 1536);
  CHECK(vipsheader(fx()("flat.png")).w == 200);
}

// JSON answers: info in OSS's shape ({"ImageWidth":{"value":"…"},…} plus EXIF tags) and
// average-hue ({"RGB":"0xRRGGBB"}).
#include <sys/stat.h>

#include <cmath>
#include <cstdio>

#include "engine/image/image_engine.h"

namespace omm::engine::image {

using nlohmann::json;
using vips::VImage;

namespace {

// libvips renders EXIF fields as "<value> (<description>, <type>, <n> components, <n> bytes)";
// OSS gives the value alone.
std::string exif_value(const std::string& s) {
  std::size_t open = s.rfind(" (");
  std::string v = open == std::string::npos ? s : s.substr(0, open);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.pop_back();
  return v;
}

}  // namespace

Result<json> image_info(const std::string& path, const Header& header) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::error("engine.decode", "cannot stat " + path);
  json out = {{"FileSize", {{"value", std::to_string(st.st_size)}}},
              {"Format", {{"value", header.format}}},
              {"ImageHeight", {{"value", std::to_string(header.height)}}},
              {"ImageWidth", {{"value", std::to_string(header.width)}}}};
  if (header.pages > 1) out["FrameCount"] = {{"value", std::to_string(header.pages)}};
  VImage img =
      VImage::new_from_file(path.c_str(), VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
  gchar** fields = vips_image_get_fields(img.get_image());
  for (gchar** f = fields; f != nullptr && *f != nullptr; ++f) {
    std::string name = *f;
    if (name.rfind("exif-ifd", 0) != 0 || name.size() < 10) continue;
    std::string tag = name.substr(name.find('-', 5) + 1);  // "exif-ifd0-Orientation" → Orientation
    if (tag.empty() || out.contains(tag)) continue;
    const char* value = nullptr;  // EXIF fields are ref-strings; others answer -1
    if (vips_image_get_string(img.get_image(), name.c_str(), &value) == 0 && value != nullptr) {
      out[tag] = {{"value", exif_value(value)}};
    }
  }
  g_strfreev(fields);
  return out;
}

// The mean of each colour band over the (alpha-ignored) pixels, as 0xrrggbb.
Result<json> average_hue(const std::string& path, const Header& header) {
  VImage img = load_image(path, header);
  if (img.has_alpha()) img = img.extract_band(0, VImage::option()->set("n", img.bands() - 1));
  if (img.bands() < 3) img = img.colourspace(VIPS_INTERPRETATION_sRGB);
  VImage stats = img.stats();  // one pass; row 1+b, column 4 is the mean of band b
  int rgb[3];
  for (int b = 0; b < 3; ++b) {
    double mean = stats.getpoint(4, 1 + b)[0];
    rgb[b] = std::clamp(static_cast<int>(std::lround(mean)), 0, 255);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return json{{"RGB", buf}};
}

}  // namespace omm::engine::image

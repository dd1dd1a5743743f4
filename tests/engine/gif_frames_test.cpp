// count_gif_frames: the GIF block walker behind the image engine's frame count.
#include "engine/image/gif_frames.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using omm::engine::image::count_gif_frames;

namespace {

// A GIF89a of `frames` 1x1 frames, each with a graphic control extension; optionally with a
// global colour table, local tables, a comment, and the trailer.
std::string make_gif(int frames, bool global_table, bool local_tables, bool trailer = true) {
  std::string g = "GIF89a";
  g += std::string("\x01\x00\x01\x00", 4);
  g += static_cast<char>(global_table ? 0x80 : 0x00);  // packed: table of 2 entries
  g += std::string("\x00\x00", 2);
  if (global_table) g += std::string(6, '\x00');
  g += std::string(
      "\x21\xFE\x03"
      "abc"
      "\x00",
      7);  // comment extension
  for (int i = 0; i < frames; ++i) {
    g += std::string("\x21\xF9\x04\x00\x0A\x00\x00\x00", 8);  // graphic control
    g += '\x2C';
    g += std::string("\x00\x00\x00\x00\x01\x00\x01\x00", 8);
    g += static_cast<char>(local_tables ? 0x81 : 0x00);  // local table of 4 entries
    if (local_tables) g += std::string(12, '\x00');
    g += '\x02';                              // LZW minimum code size
    g += std::string("\x02\x44\x01\x00", 4);  // one data sub-block, then the terminator
  }
  if (trailer) g += '\x3B';
  return g;
}

std::optional<std::uint64_t> count(const std::string& bytes) {
  std::istringstream in(bytes);
  return count_gif_frames(in);
}

}  // namespace

TEST_CASE("GIF frames are counted past libvips' cap of 4097") {
  CHECK(count(make_gif(1, false, false)) == 1u);
  CHECK(count(make_gif(3, true, true)) == 3u);
  CHECK(count(make_gif(5000, true, false)) == 5000u);
  CHECK(count(make_gif(7, false, true, /*trailer=*/false)) == 7u);  // truncated after frame 7
  std::string cut = make_gif(4, false, false);
  CHECK(count(cut.substr(0, cut.size() - 6)) == 4u);  // cut inside the last frame's data
  CHECK(count("GIF87a") == 0u);
  CHECK_FALSE(count("\x89PNG\r\n\x1a\n").has_value());
  CHECK_FALSE(count("").has_value());
}

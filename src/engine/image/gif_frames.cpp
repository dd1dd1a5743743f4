#include "engine/image/gif_frames.h"

#include <cstring>

namespace omm::engine::image {

namespace {

// Skips a chain of data sub-blocks (each: a length byte, then that many bytes; 0 ends it).
bool skip_sub_blocks(std::istream& in) {
  for (;;) {
    int size = in.get();
    if (size == std::char_traits<char>::eof()) return false;
    if (size == 0) return true;
    in.ignore(size);
    if (!in) return false;
  }
}

// Skips a colour table of 2^(n+1) RGB entries when the packed field's top bit says there is one.
bool skip_colour_table(std::istream& in, int packed) {
  if ((packed & 0x80) == 0) return true;
  in.ignore(3 * (1 << ((packed & 0x07) + 1)));
  return static_cast<bool>(in);
}

}  // namespace

std::optional<std::uint64_t> count_gif_frames(std::istream& in) {
  char signature[6];
  if (!in.read(signature, 6) ||
      (std::memcmp(signature, "GIF87a", 6) != 0 && std::memcmp(signature, "GIF89a", 6) != 0)) {
    return std::nullopt;
  }
  unsigned char screen[7];  // logical screen descriptor
  if (!in.read(reinterpret_cast<char*>(screen), 7)) return 0;
  if (!skip_colour_table(in, screen[4])) return 0;
  std::uint64_t frames = 0;
  for (;;) {
    int block = in.get();
    if (block == 0x3B || block == std::char_traits<char>::eof()) return frames;  // trailer / end
    if (block == 0x21) {  // extension: a label, then sub-blocks
      if (in.get() == std::char_traits<char>::eof() || !skip_sub_blocks(in)) return frames;
    } else if (block == 0x2C) {  // image descriptor: 9 bytes, a local table, LZW data
      unsigned char desc[9];
      if (!in.read(reinterpret_cast<char*>(desc), 9)) return frames;
      ++frames;
      if (!skip_colour_table(in, desc[8])) return frames;
      if (in.get() == std::char_traits<char>::eof()) return frames;  // LZW minimum code size
      if (!skip_sub_blocks(in)) return frames;
    } else {
      return frames;  // not a GIF block: what came before is all there is
    }
  }
}

}  // namespace omm::engine::image

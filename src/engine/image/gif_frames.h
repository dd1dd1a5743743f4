// Counting the frames of a GIF by walking its blocks (GIF89a: header, logical screen, colour
// tables, extensions, image descriptors, trailer) — no decoding, no pixel buffers.
//
// libvips' GIF loader stops counting at 4097 frames ("Excessive number of frames"), so its
// n-pages understates long animations: the image engine takes the frame count from here for
// the pixel limit (width × height × frames) and for image_inspect's FrameCount.
//
// Pure function of the bytes it reads; thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>

namespace omm::engine::image {

// The number of image descriptors before the trailer (or the end of a truncated file); nullopt
// when the stream does not start like a GIF.
std::optional<std::uint64_t> count_gif_frames(std::istream& in);

}  // namespace omm::engine::image

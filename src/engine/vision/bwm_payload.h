// The blind watermark payload: how the text becomes the bits that are embedded, and back.
//
// Frame = 16-bit big-endian byte length of the UTF-8 text, the text, CRC-16/CCITT-FALSE of
// (length + text); bits most significant first. The CRC and the length field together give
// a clean "no watermark" answer on unmarked or destroyed images.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omm::engine::vision::bwm {

constexpr size_t kFrameOverheadBytes = 4;  // length (2) + CRC (2)
constexpr size_t kMaxContentBytes = 1024;  // 256 characters of up to 4 UTF-8 bytes

std::uint16_t crc16(std::string_view bytes);

// The frame bits (0/1) of `content` (at most kMaxContentBytes bytes).
std::vector<std::uint8_t> encode_payload(std::string_view content);

// Decides each bit from its soft value (> 0 is 1) and returns the text when the frame is
// consistent: a multiple of 8 bits, the length field matches, the CRC matches.
std::optional<std::string> decode_payload(const std::vector<float>& soft_bits);

}  // namespace omm::engine::vision::bwm

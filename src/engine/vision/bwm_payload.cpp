#include "engine/vision/bwm_payload.h"

namespace omm::engine::vision::bwm {

std::uint16_t crc16(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char c : bytes) {
    crc ^= static_cast<std::uint16_t>(c << 8);
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::vector<std::uint8_t> encode_payload(std::string_view content) {
  std::string frame;
  frame.push_back(static_cast<char>((content.size() >> 8) & 0xFF));
  frame.push_back(static_cast<char>(content.size() & 0xFF));
  frame.append(content);
  std::uint16_t crc = crc16(frame);
  frame.push_back(static_cast<char>(crc >> 8));
  frame.push_back(static_cast<char>(crc & 0xFF));
  std::vector<std::uint8_t> bits;
  bits.reserve(frame.size() * 8);
  for (unsigned char c : frame) {
    for (int i = 7; i >= 0; --i) bits.push_back((c >> i) & 1);
  }
  return bits;
}

std::optional<std::string> decode_payload(const std::vector<float>& soft_bits) {
  if (soft_bits.size() % 8 != 0 || soft_bits.size() < 8 * kFrameOverheadBytes) return std::nullopt;
  std::string frame(soft_bits.size() / 8, '\0');
  for (size_t i = 0; i < soft_bits.size(); ++i) {
    if (soft_bits[i] > 0) frame[i / 8] = static_cast<char>(frame[i / 8] | (0x80 >> (i % 8)));
  }
  auto byte = [&frame](size_t i) { return static_cast<unsigned char>(frame[i]); };
  size_t length = (byte(0) << 8) | byte(1);
  if (length != frame.size() - kFrameOverheadBytes) return std::nullopt;
  std::uint16_t crc =
      static_cast<std::uint16_t>((byte(frame.size() - 2) << 8) | byte(frame.size() - 1));
  if (crc16(std::string_view(frame).substr(0, frame.size() - 2)) != crc) return std::nullopt;
  return frame.substr(2, length);
}

}  // namespace omm::engine::vision::bwm

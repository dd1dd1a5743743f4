// The blind watermark codec: payload bits ↔ invisible changes of an image's luma.
//
// Scheme (keyed by the watermark key):
//  - Canonical domain: the luma resampled to N×N, N ∈ {64, 128, 256, 512}. Resizing the image
//    keeps the domain, so the mark survives scaling. N is the largest size ≤ 0.55 × the shorter
//    side (survives halving the image), or a larger one (≤ 1.1 × the shorter side) when the text
//    needs more room; the extractor tries every N.
//  - The domain is cut into 4×4 blocks; each block carries kPairsPerBlock bits, one per pair of
//    mid/low-frequency DCT coefficients (a, b): bit 1 ⇔ |a| − |b| ≥ amplitude,
//    bit 0 ⇔ |a| − |b| ≤ −amplitude. The order of two AC magnitudes does not move with
//    brightness or contrast changes.
//  - Slots (block × pair) are shuffled and each slot's bit is XOR-ed with a key-seeded bit; the
//    frame is repeated over all slots (slot i of the shuffled order carries bit i mod L).
//  - Embedding changes the domain, upsamples the difference to the image size and adds it
//    equally to B, G and R (luma changes, chroma does not); a few passes re-measure the 8-bit
//    result and top up the slots that lost their margin.
//  - Extraction tries every domain size and every frame length, sums the soft votes of each
//    bit's repeats, and accepts only a frame whose length field and CRC-16 agree.
// Crops and rotations are not survived (no synchronisation pattern). Pure functions.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omm::engine::vision::bwm {

// Embedding amplitude for "low", "medium", "high"; nullopt for anything else.
std::optional<float> amplitude_for(std::string_view strength);

// Images smaller than this on either side cannot carry a mark.
constexpr int kMinSide = 64;

// The largest frame (in bits) an image of this size carries with enough repetition.
size_t max_frame_bits(int width, int height);

// `bgr` is 8-bit BGR; returns the marked copy. `bits.size()` ≤ max_frame_bits().
cv::Mat embed(const cv::Mat& bgr, const std::vector<std::uint8_t>& bits, std::string_view key,
              float amplitude);

// The embedded text, or nullopt when no consistent frame is found.
std::optional<std::string> extract(const cv::Mat& bgr, std::string_view key);

}  // namespace omm::engine::vision::bwm

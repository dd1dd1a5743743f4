#include "engine/vision/bwm_codec.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>

#include "engine/vision/bwm_payload.h"

namespace omm::engine::vision::bwm {

namespace {

constexpr int kBlock = 4;
struct CoefficientPair {
  int a_row, a_col, b_row, b_col;  // inside the 4×4 DCT block
};
constexpr CoefficientPair kPairs[] = {{1, 2, 2, 1}, {0, 2, 2, 0}};
constexpr int kPairsPerBlock = static_cast<int>(std::size(kPairs));
constexpr int kDomains[] = {64, 128, 256, 512};
constexpr size_t kMinRepeats = 4;      // embed: each bit at least this often
constexpr size_t kMinRepeatsRead = 3;  // extract: frame lengths tried
constexpr int kEmbedPasses = 4;
constexpr float kSoftScale = 8.0f;  // soft vote = clamp(margin / kSoftScale, -1, 1)

size_t slot_count(int n) { return static_cast<size_t>(n / kBlock) * (n / kBlock) * kPairsPerBlock; }

// The domains an image may use, smallest first: from the robust choice (the largest domain
// ≤ 0.55 × the shorter side, so halving the image keeps the mark) up to the largest one that is
// still about the image's own resolution (≤ 1.1 × the shorter side). Larger ones carry more.
std::vector<int> allowed_domains(int width, int height) {
  double side = std::min(width, height);
  int robust = kDomains[0];
  for (int d : kDomains) {
    if (d <= 0.55 * side) robust = d;
  }
  std::vector<int> out;
  for (int d : kDomains) {
    if (d == robust || (d > robust && d <= 1.1 * side)) out.push_back(d);
  }
  return out;
}

// The smallest allowed domain that carries `frame_bits` with kMinRepeats; 0 when none does.
int domain_for(int width, int height, size_t frame_bits) {
  for (int d : allowed_domains(width, height)) {
    if (slot_count(d) / kMinRepeats >= frame_bits) return d;
  }
  return 0;
}

// The keyed slot order and per-slot flip bits for a domain size. mt19937_64's output sequence
// is fixed by the standard; the shuffle is written out so no library distribution is involved.
struct Layout {
  std::vector<std::uint32_t> order;
  std::vector<std::uint8_t> flip;
};

Layout make_layout(int n, std::string_view key) {
  std::uint64_t seed = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : key) seed = (seed ^ c) * 1099511628211ull;
  std::mt19937_64 rng(seed ^ (static_cast<std::uint64_t>(n) * 0x9E3779B97F4A7C15ull));
  Layout l;
  size_t slots = slot_count(n);
  l.order.resize(slots);
  for (size_t i = 0; i < slots; ++i) l.order[i] = static_cast<std::uint32_t>(i);
  for (size_t i = slots - 1; i > 0; --i) std::swap(l.order[i], l.order[rng() % (i + 1)]);
  l.flip.resize(slots);
  for (auto& f : l.flip) f = static_cast<std::uint8_t>(rng() >> 63);
  return l;
}

cv::Mat luma_domain(const cv::Mat& bgr, int n) {
  cv::Mat gray, domain;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F);
  cv::resize(gray, domain, cv::Size(n, n), 0, 0, cv::INTER_AREA);
  return domain;
}

// |a| − |b| for every slot of the domain (slot = block index × kPairsPerBlock + pair).
std::vector<float> slot_margins(const cv::Mat& domain) {
  int blocks = domain.cols / kBlock;
  std::vector<float> margins(static_cast<size_t>(blocks) * blocks * kPairsPerBlock);
  cv::Mat c;
  for (int by = 0; by < blocks; ++by) {
    for (int bx = 0; bx < blocks; ++bx) {
      cv::dct(domain(cv::Rect(bx * kBlock, by * kBlock, kBlock, kBlock)), c);
      for (int p = 0; p < kPairsPerBlock; ++p) {
        margins[(static_cast<size_t>(by) * blocks + bx) * kPairsPerBlock + p] =
            std::abs(c.at<float>(kPairs[p].a_row, kPairs[p].a_col)) -
            std::abs(c.at<float>(kPairs[p].b_row, kPairs[p].b_col));
      }
    }
  }
  return margins;
}

// Moves |a| and |b| apart until |a| − |b| ≥ amplitude (bit 1) or ≤ −amplitude (bit 0),
// keeping their signs. Returns whether anything changed.
bool enforce(cv::Mat& c, const CoefficientPair& pair, bool bit, float amplitude) {
  float& a = c.at<float>(pair.a_row, pair.a_col);
  float& b = c.at<float>(pair.b_row, pair.b_col);
  float big = std::abs(bit ? a : b), small = std::abs(bit ? b : a);
  float margin = big - small;
  if (margin >= amplitude) return false;
  float step = (amplitude - margin) / 2;
  big += step;
  small -= step;
  if (small < 0) {
    big -= small;
    small = 0;
  }
  auto with_sign = [](float magnitude, float like) { return like < 0 ? -magnitude : magnitude; };
  float new_a = with_sign(bit ? big : small, a), new_b = with_sign(bit ? small : big, b);
  a = new_a;
  b = new_b;
  return true;
}

// The marked domain, or an empty Mat when every slot already holds its bit with margin.
cv::Mat mark_domain(const cv::Mat& domain, const std::vector<std::uint8_t>& slot_bits,
                    float amplitude) {
  cv::Mat marked = domain.clone();
  int blocks = domain.cols / kBlock;
  bool any = false;
  cv::Mat c;
  for (int by = 0; by < blocks; ++by) {
    for (int bx = 0; bx < blocks; ++bx) {
      cv::Mat block = marked(cv::Rect(bx * kBlock, by * kBlock, kBlock, kBlock));
      cv::dct(block, c);
      bool changed = false;
      for (int p = 0; p < kPairsPerBlock; ++p) {
        size_t slot = (static_cast<size_t>(by) * blocks + bx) * kPairsPerBlock + p;
        changed |= enforce(c, kPairs[p], slot_bits[slot] != 0, amplitude);
      }
      if (changed) {
        cv::idct(c, block);
        any = true;
      }
    }
  }
  return any ? marked : cv::Mat();
}

cv::Mat add_luma(const cv::Mat& bgr, const cv::Mat& delta) {
  cv::Mat f, out;
  bgr.convertTo(f, CV_32FC3);
  cv::Mat delta3;
  cv::merge(std::vector<cv::Mat>{delta, delta, delta}, delta3);
  f += delta3;
  f.convertTo(out, CV_8UC3);  // rounds and saturates
  return out;
}

}  // namespace

std::optional<float> amplitude_for(std::string_view strength) {
  if (strength == "low") return 3.0f;
  if (strength == "medium") return 6.0f;
  if (strength == "high") return 10.0f;
  return std::nullopt;
}

size_t max_frame_bits(int width, int height) {
  if (std::min(width, height) < kMinSide) return 0;
  return slot_count(allowed_domains(width, height).back()) / kMinRepeats;
}

cv::Mat embed(const cv::Mat& bgr, const std::vector<std::uint8_t>& bits, std::string_view key,
              float amplitude) {
  int n = domain_for(bgr.cols, bgr.rows, bits.size());
  Layout layout = make_layout(n, key);
  std::vector<std::uint8_t> slot_bits(layout.order.size());
  for (size_t i = 0; i < layout.order.size(); ++i) {
    std::uint32_t slot = layout.order[i];
    slot_bits[slot] = bits[i % bits.size()] ^ layout.flip[slot];
  }
  cv::Mat delta = cv::Mat::zeros(bgr.size(), CV_32F);
  cv::Mat marked = bgr;
  for (int pass = 0; pass < kEmbedPasses; ++pass) {
    cv::Mat domain = luma_domain(marked, n);
    cv::Mat target = mark_domain(domain, slot_bits, amplitude);
    if (target.empty()) break;
    cv::Mat residual, upsampled;
    cv::subtract(target, domain, residual);
    cv::resize(residual, upsampled, bgr.size(), 0, 0, cv::INTER_CUBIC);
    delta += upsampled;
    marked = add_luma(bgr, delta);
  }
  return marked;
}

std::optional<std::string> extract(const cv::Mat& bgr, std::string_view key) {
  if (std::min(bgr.cols, bgr.rows) < 8) return std::nullopt;
  for (int n : kDomains) {
    Layout layout = make_layout(n, key);
    std::vector<float> margins = slot_margins(luma_domain(bgr, n));
    std::vector<float> votes(margins.size());  // in shuffled order, flips undone
    for (size_t i = 0; i < votes.size(); ++i) {
      std::uint32_t slot = layout.order[i];
      float v = std::clamp(margins[slot] / kSoftScale, -1.0f, 1.0f);
      votes[i] = layout.flip[slot] ? -v : v;
    }
    size_t max_bytes =
        std::min(kMaxContentBytes + kFrameOverheadBytes, votes.size() / (8 * kMinRepeatsRead));
    for (size_t bytes = kFrameOverheadBytes + 1; bytes <= max_bytes; ++bytes) {
      size_t length = bytes * 8;
      // Cheap check first: the 16-bit length field must name this length.
      size_t field = 0;
      for (size_t j = 0; j < 16; ++j) {
        float sum = 0;
        for (size_t i = j; i < votes.size(); i += length) sum += votes[i];
        field = (field << 1) | (sum > 0 ? 1u : 0u);
      }
      if (field != bytes - kFrameOverheadBytes) continue;
      std::vector<float> soft(length, 0.0f);
      for (size_t i = 0; i < votes.size(); ++i) soft[i % length] += votes[i];
      if (auto text = decode_payload(soft)) return text;
    }
  }
  return std::nullopt;
}

}  // namespace omm::engine::vision::bwm

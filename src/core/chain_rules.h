// Which operations may share one request (DESIGN.md "Rules the core enforces"): basic image
// operations chain freely, with at most kMaxWatermarks watermarks (OSS's limit per image);
// blindwatermark (embed) only last; inspect, detections (one per call), extract, every
// video/audio/hls operation and the transfers run alone, and never with image operations.
// Ids: invalid_chain.<rule> (docs/contracts.md).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "core/op_catalog.h"
#include "core/status.h"

namespace omm::core {

// "单张图片最多支持添加3张不同的图片水印" (OSS, add-watermarks).
inline constexpr std::size_t kMaxWatermarks = 3;

// `tool` is the tool the caller named, or empty when the tool follows from the operations
// (string syntax). With a named tool, every operation must belong to it.
Status check_chain(std::string_view tool, std::span<const OpSpec* const> ops);

// The tool that runs a chain that passed check_chain.
std::string_view tool_for_chain(std::span<const OpSpec* const> ops);

}  // namespace omm::core

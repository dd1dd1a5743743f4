// The blind watermark operations of the vision engine (the codec is bwm_codec.h):
//  - "blindwatermark" (embed): params content (text) and s (low | medium | high, default low).
//    Writes the marked image to request.output in request.format, or the input's format when
//    that is empty (JPEG at quality 95); alpha is kept. Metadata describes the output.
//  - "blindwatermark-extract": param s (accepted for symmetry; the reader does not need it).
//    data {"content":"…","found":true}, or {"content":null,"found":false} when no mark made
//    with this key is found (CRC or length mismatch: unmarked, another key, or destroyed).
// The key is request.options.watermark_key, or kDefaultWatermarkKey when absent.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "engine/worker.h"

namespace omm::engine::vision {

inline constexpr const char* kDefaultWatermarkKey = "oss-media-mcp";

Result<nlohmann::json> embed_blind_watermark(const nlohmann::json& request,
                                             const nlohmann::json& op, const WorkerLimits& limits);

Result<nlohmann::json> extract_blind_watermark(const nlohmann::json& request,
                                               const nlohmann::json& op,
                                               const WorkerLimits& limits);

}  // namespace omm::engine::vision

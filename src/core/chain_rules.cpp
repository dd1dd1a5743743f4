#include "core/chain_rules.h"

#include <spdlog/fmt/fmt.h>

namespace omm::core {
namespace {

// The rule an operation breaks when it does not run alone.
std::string_view alone_rule(OpKind kind) {
  switch (kind) {
    case OpKind::kInspect:
      return "info_alone";
    case OpKind::kDetect:
      return "detect_alone";
    case OpKind::kExtract:
      return "extract_alone";
    case OpKind::kMedia:
      return "media_alone";
    case OpKind::kTransfer:
      return "transfer_alone";
    default:
      return {};
  }
}

std::string_view alone_reason(OpKind kind) {
  switch (kind) {
    case OpKind::kInspect:
      return "info and average-hue run alone (tool image_inspect)";
    case OpKind::kDetect:
      return "a detection runs alone, one per call (tool image_detect)";
    case OpKind::kExtract:
      return "blindwatermark-extract runs alone (tool image_watermark_extract)";
    case OpKind::kMedia:
      return "one video, audio or hls operation per call, never with image operations";
    case OpKind::kTransfer:
      return "upload and download run alone";
    default:
      return {};
  }
}

bool chains(OpKind kind) { return kind == OpKind::kBasic || kind == OpKind::kEmbed; }

Status alone_error(const OpSpec& op, std::string detail) {
  return Status::error(fmt::format("invalid_chain.{}", alone_rule(op.kind)),
                       fmt::format("{}; {}", alone_reason(op.kind), detail));
}

// The order decides which rule a mixed chain reports: the strongest isolation first.
constexpr OpKind kAloneOrder[] = {OpKind::kTransfer, OpKind::kMedia, OpKind::kExtract,
                                  OpKind::kDetect, OpKind::kInspect};

}  // namespace

Status check_chain(std::string_view tool, std::span<const OpSpec* const> ops) {
  if (ops.size() > 1) {
    for (OpKind kind : kAloneOrder) {
      for (const OpSpec* op : ops) {
        if (op->kind != kind) continue;
        return alone_error(
            *op, fmt::format("got {} operations including {}", ops.size(), op->skill_name));
      }
    }
    std::size_t watermarks = 0;
    for (const OpSpec* op : ops) watermarks += op->name == "watermark" ? 1 : 0;
    if (watermarks > kMaxWatermarks) {
      return Status::error("invalid_chain.watermarks",
                           fmt::format("at most {} watermark operations per image (OSS), got {}",
                                       kMaxWatermarks, watermarks));
    }
    for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
      if (ops[i]->kind == OpKind::kEmbed) {
        return Status::error("invalid_chain.blindwatermark_last",
                             fmt::format("blindwatermark must be the last operation; it is "
                                         "operation {} of {}",
                                         i + 1, ops.size()));
      }
    }
  }
  if (!tool.empty()) {
    for (const OpSpec* op : ops) {
      if (op->tool == tool) continue;
      if (!chains(op->kind)) {
        return alone_error(*op, fmt::format("{} is not an operation of {}", op->skill_name, tool));
      }
      return Status::error(fmt::format("invalid_argument.{}.operations", tool),
                           fmt::format("{} is not an operation of {}", op->skill_name, tool));
    }
  }
  return Status::ok();
}

std::string_view tool_for_chain(std::span<const OpSpec* const> ops) {
  return ops.empty() ? std::string_view("image_process") : ops.front()->tool;
}

}  // namespace omm::core

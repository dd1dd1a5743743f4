// The inverse of render.h: parses an OSS process string as it travels on the wire
// (`x-oss-process=` / `x-oss-async-process=` values) back into unchecked operations, for the
// emulator (src/emulate), which must run what a real OSS client sends.
//
//   image/resize,w_100,m_lfit/format,png          prefix, then '/'-separated actions
//   image/rotate,90                               value-only actions: `action,value`
//   image/watermark,text_<b64>,t_60               base64 parameters (text, keys) are decoded
//   video/concat,f_mp4/pre,o_<b64 key>,ss_0       concat inputs follow their action
//   hls/m3u8,ss_0                                 hls: its own prefix
//   blindwatermark-extract,s_low                  the names render.h gives IMM operations
//   ...|sys/saveas,o_<b64 key>,b_<b64 bucket>     the save target (padding '=' accepted)
//   ...|sys/saveas,...,o_...[/notify,topic_<b64>] async jobs: the MNS topic (ignored)
//
// Every value stays text (integers included): validation is build_plan's job, so the emulator
// refuses exactly what the server's own syntaxes refuse. Round trip: for every valid operation
// x, building parse_wire_process(render_operations(x)) gives x again. Pure; thread-safe.
//
// Errors: invalid_syntax.process naming the offending piece, invalid_argument.operations for
// an unknown action.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan.h"
#include "core/raw_request.h"
#include "core/status.h"

namespace omm::core {

struct WireSaveas {
  std::string key;     // o_ decoded
  std::string bucket;  // b_ decoded; empty: the source bucket
};

struct WireProcess {
  std::vector<RawOp> ops;
  std::optional<WireSaveas> saveas;
  std::string notify_topic;  // async: notify,topic_ decoded (empty when absent)
};

Result<WireProcess> parse_wire_process(std::string_view text);

// The plan of a wire request on `source_key`: the result is saved under `target_key` when given
// (sys/saveas, async jobs), else it is the response body (output mode url) or JSON (info,
// detections). Same checks and error ids as the other syntaxes (plan_builder.h).
Result<Plan> plan_from_wire(std::vector<RawOp> ops, std::string source_key,
                            std::optional<std::string> target_key, const PlanOptions& options = {});

}  // namespace omm::core

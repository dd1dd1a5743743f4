// Renders validated operations to the exact OSS process string. Parameters appear in the order
// of the catalog (the documented tables), as `name_value`; value-only actions as `action,value`;
// text, fonts, keys and buckets in URL-safe base64 without padding. Prefixes: `image/`,
// `video/`, `audio/`; hls renders `hls/m3u8,...` with no video/ prefix. Concat inputs render
// `/pre,o_<b64 key>[,ss_..][,t_..]` or `/sur,...` in the order given. Pure; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/operation.h"
#include "core/plan.h"

namespace omm::core {

// "resize,w_600,m_lfit" / "rotate,90" / "concat,f_mp4/sur,o_..." (no prefix).
std::string render_operation(const Operation& op);
// "image/resize,w_600/format,webp". blindwatermark-extract (IMM, no process string) renders
// "blindwatermark-extract[,s_<level>]"; upload and download render their bare names.
std::string render_operations(std::span<const Operation> ops);
std::string render_operations(const Plan& plan);
// "|sys/saveas,o_<b64 key>,b_<b64 bucket>"; b_ is left out when bucket is empty (OSS then
// saves into the source bucket).
std::string render_saveas(std::string_view target_key, std::string_view bucket);
// True when the plan sends an x-oss-process / x-oss-async-process string.
bool has_process_string(const Plan& plan);
// The saveas suffix a plan sends (save mode and async jobs), else nullopt.
std::optional<std::string> plan_saveas(const Plan& plan, std::string_view bucket);
// What goes on the wire: operations + saveas; nullopt without a process string.
std::optional<std::string> render_process_string(const Plan& plan, std::string_view bucket);

}  // namespace omm::core

// The original skill's operation-string syntax (seed_ops.md §2), used by the CLI:
//
//   name                          info, auto-orient, video/info
//   name:key=value,key=value      resize:w=600,mode=lfit   watermark:text="a,b",g=se
//   name:value                    value-only operations: format:webp, rotate:90
//   video/concat:<k=v,...>/sur,o_<b64 key>[,ss_<ms>][,t_<ms>]/pre,o_<b64 key>...
//
// Commas inside '...' or "..." do not split; one pair of outer quotes is removed from a value.
// A watermark `preprocess=` value takes the following items up to the next `key=value` item
// (preprocess=resize,P_30,t=90). The skill's parameter names are mapped to OSS's through the
// catalog (mode -> m, opacity -> t, angle/degree/v/target -> value, tile -> fill, ...); value
// spellings (jpeg, g=c, ...) are normalised later by the catalog. Concat keys are given in
// URL-safe base64 here, as the skill wanted them, and decoded into the plain model.
//
// Errors: invalid_syntax.<op> for malformed text, invalid_argument.operations for an unknown
// name, invalid_argument.media_concat.inputs.key for a key that is not base64.
#pragma once

#include <string_view>

#include "core/raw_request.h"
#include "core/status.h"

namespace omm::core {

Result<RawOp> parse_op_string(std::string_view text);

}  // namespace omm::core

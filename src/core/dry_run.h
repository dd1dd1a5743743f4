// The result of a dry run (DESIGN.md "Results"): what would be sent, without contacting
// anything. Pure; thread-safe.
//
//   {"success":true,"dry_run":true,"tool":"image_process","category":"sync",
//    "operations":"image/resize,w_600","process_string":"image/resize,w_600|sys/saveas,...",
//    "saveas":"|sys/saveas,..."|null,"api":"x-oss-process","mode":"save",
//    "source":{"key":"in/a.jpg"},"target_key":"out/a.jpg", ...}
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/plan.h"

namespace omm::core {

// `bucket` is the bucket the call would use (the plan's own, else the configured one; empty on
// the local backend, where the saveas suffix then has no b_).
nlohmann::json dry_run_result(const Plan& plan, std::string_view bucket);

// How the plan reaches the service: "x-oss-process", "x-oss-async-process",
// "imm:CreateDecodeBlindWatermarkTask", "PutObject" or "GetObject".
std::string_view plan_api(const Plan& plan);

}  // namespace omm::core

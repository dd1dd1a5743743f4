// Job ids of the oss backend (DESIGN.md "Async jobs"): the id itself carries what job_status
// needs after a restart — the IMM task type and id, the project that tracks it, the bucket and
// the target key — so no journal is needed: `oss-job-<URL-safe base64 of a compact JSON>`.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::oss_backend {

struct OssJobRef {
  std::string task_type;  // "MediaConvert", "VideoSnapshot", ... (the task id's prefix)
  std::string task_id;    // "MediaConvert-8f2e…"
  std::string project;    // the IMM project (GetTask's ProjectName)
  std::string bucket;
  std::string target_key;  // the saveas object (a prefix for frames and HLS)
  std::string tool;        // the tool that started it
};

std::string encode_job_id(const OssJobRef& ref);
// [job.not_found] for anything that is not an id made by encode_job_id.
Result<OssJobRef> decode_job_id(std::string_view id);
bool is_oss_job_id(std::string_view id);

// The IMM task type of a task id: the part before the first '-' ("" when there is none).
std::string task_type_of(std::string_view task_id);

}  // namespace omm::oss_backend

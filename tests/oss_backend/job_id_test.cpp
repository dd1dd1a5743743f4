// oss job ids: everything job_status needs after a restart survives the round trip; anything
// else is [job.not_found].
#include "oss_backend/job_id.h"

#include <doctest/doctest.h>

using omm::oss_backend::decode_job_id;
using omm::oss_backend::encode_job_id;
using omm::oss_backend::OssJobRef;

TEST_CASE("oss job id: round trip, and refusals") {
  OssJobRef ref{"MediaConvert", "MediaConvert-8f2e-11", "proj",
                "bucket-a",     "out/é v.mp4",          "video_transcode"};
  std::string id = encode_job_id(ref);
  CHECK(id.rfind("oss-job-", 0) == 0);
  CHECK(id.find_first_of("+/= ") == std::string::npos);  // safe in URLs and JSON as is
  auto back = decode_job_id(id);
  REQUIRE(back.ok());
  CHECK(back->task_type == ref.task_type);
  CHECK(back->task_id == ref.task_id);
  CHECK(back->project == ref.project);
  CHECK(back->bucket == ref.bucket);
  CHECK(back->target_key == ref.target_key);
  CHECK(back->tool == ref.tool);
  for (const char* bad : {"", "local-job-1", "oss-job-", "oss-job-!!!", "oss-job-e30",  // {}
                          "oss-job-WyJhIl0"}) {                                         // ["a"]
    CAPTURE(bad);
    auto r = decode_job_id(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().id() == "job.not_found");
  }
  CHECK(omm::oss_backend::task_type_of("DecodeBlindWatermark-78ac") == "DecodeBlindWatermark");
  CHECK(omm::oss_backend::task_type_of("nodash").empty());
}

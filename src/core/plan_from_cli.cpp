#include "core/plan_from_cli.h"

#include "core/op_string_parser.h"
#include "core/plan_builder.h"
#include "core/raw_request.h"

namespace omm::core {

Result<Plan> plan_from_cli(const CliRequest& request, const PlanOptions& options) {
  RawRequest raw;
  for (const std::string& text : request.operations) {
    Result<RawOp> op = parse_op_string(text);
    if (!op.ok()) return op.status();
    raw.ops.push_back(std::move(*op));
  }
  raw.source_key = request.source;
  raw.source_uri = request.uri;
  raw.output_mode = request.output_mode;
  raw.output_path = request.output_path;
  raw.target_key = request.target_key;
  raw.expires = request.expires;
  raw.output_given =
      request.output_mode || request.output_path || request.target_key || request.expires;
  raw.no_download = request.no_download;
  raw.dry_run = request.dry_run;
  raw.bucket = request.bucket;
  raw.region = request.region;
  raw.endpoint = request.endpoint;
  raw.imm_project = request.imm_project;
  raw.timeout_seconds = request.timeout_seconds;
  return build_plan(raw, options);
}

}  // namespace omm::core

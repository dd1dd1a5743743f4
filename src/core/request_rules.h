// The rules of a request around its operations (DESIGN.md "Argument shapes", "Output
// delivery"): where the input comes from, how the result is delivered, and the common
// arguments. Ids are `invalid_argument.<tool>.<path>`.
//
// Output by tool family:
//   image_process, video_snapshot  url (default) | download (needs path) | save (needs
//                                  target_key); url refused for uri sources and for chains
//                                  with blindwatermark
//   async tools                    save only (target_key required); path = also download
//                                  when done; video_frames target_key has no extension
//   hls_playlist                   url only
//   inspect, detect, extract, info no output at all
//   no_download                    forbids mode download and any path
//   expires                        url only, 1..604800 s; verify: download or save only
#pragma once

#include "core/plan.h"
#include "core/raw_request.h"
#include "core/status.h"

namespace omm::core {

// Fills plan.source from the raw request (plan.tool and operations already set).
Status resolve_source(const RawRequest& raw, Plan& plan);
// Fills plan.output, plan.no_download and plan.verify.
Status resolve_output(const RawRequest& raw, Plan& plan);
// Fills bucket, region, wait_seconds, dry_run and the CLI-only fields.
Status resolve_common(const RawRequest& raw, const PlanOptions& options, Plan& plan);

// The key object_upload writes when no target_key is given: the file name of the uri
// ("report.pdf"), or "upload" when the uri has none.
std::string default_upload_key(std::string_view uri);

}  // namespace omm::core

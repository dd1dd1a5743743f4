// Delivery of finished outputs to the local download location (output.path of a save).
//
// copy_out copies files that already exist (an object or the frames of one job) to `dest`:
// into_directory = false: exactly one file, copied to the file `dest`;
// into_directory = true:  every file, copied as `dest/<its file name>` (video_frames: output.path
//                         names a directory that receives every frame).
// Each copy goes to a hidden ".omm-part-<name>" next to its target and is renamed into place
// when complete; parent directories are created. On any failure, the parts and the targets this
// call already wrote are removed and the error is `[local.io] cannot write <path>: <reason>`.
// Returns the path to report: `dest` itself (the file, or the directory).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace omm::local {

Result<std::string> copy_out(const std::vector<std::string>& files, const std::string& dest,
                             bool into_directory);

}  // namespace omm::local

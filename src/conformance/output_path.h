// Where the conformance fixture test_slow_operation may write its `output_path`: inside the
// server's output directory, by the rule of the product's downloads
// (files::LocalFiles::resolve_download_path — a relative path is taken from the output
// directory, an absolute one must lie inside it, symlinks are followed before the check), and
// never through a `..` component. Refusals are `invalid_argument.test_slow_operation.output_path`
// and show no server path. Kept apart from fixtures.cpp so that a build without src/files (the
// fuzz targets) can register the fixtures without it.
//
// Thread-safe: the resolver holds only its copy of the directory; it creates the directory on
// first use.
#pragma once

#include <string>

#include "conformance/fixtures.h"

namespace omm::conformance {

OutputPathResolver output_dir_resolver(std::string output_dir);

}  // namespace omm::conformance

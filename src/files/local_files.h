// LocalFiles: the files of this machine that a request names, with the same rules on both
// backends (DESIGN.md "Sources", "Output delivery"):
//  - a local `uri` source must be a regular file inside the input directories (`--input-dir`,
//    default: the output directory and the local root; plus, for one call, the file:// roots
//    of the client that made it — core::Plan::roots) and never a credential file
//    (~/.aliyun/, ~/.alibabacloud/, ~/.ssh/); an http(s) `uri` is fetched (uri_fetch.h) into
//    the fetch directory and removed when the holder goes out of scope;
//  - a download path lies inside the output directory (a relative one is taken from there);
//  - error messages never show the server's own directories (without_server_paths).
// Thread-safe: the options are fixed at creation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/backend.h"
#include "core/plan.h"
#include "core/status.h"

namespace omm::files {

// The directories of a client's MCP roots: of the first kMaxClientRoots URIs, each file:// one
// (no host or "localhost"; percent-decoded) that names an absolute, existing directory,
// canonicalised. Other schemes, hosts, relative or missing paths, bad escapes, a query or
// fragment, and URIs over 4096 bytes are ignored.
inline constexpr size_t kMaxClientRoots = 64;
std::vector<std::string> root_directories(const std::vector<std::string>& uris);

struct LocalFilesOptions {
  std::string output_dir;               // --output-dir (created)
  std::vector<std::string> input_dirs;  // --input-dir; empty: output_dir and extra_input_dir
  std::string extra_input_dir;          // the local root, when there is one
  std::string fetch_dir;                // where http(s) sources are fetched (created on use)
  std::uint64_t max_fetch_bytes = 256ull << 20;  // --max-fetch-bytes
  bool allow_private_uri = false;                // --allow-private-uri
  bool create_output_dir = true;                 // false: only check requests (a CLI dry run)
  // Directories kept out of messages besides the output directory: (path, what to say). A path
  // with a trailing '/' is removed with it (files under it read as relative names).
  std::vector<std::pair<std::string, std::string>> hidden;
};

class LocalFiles {
 public:
  // Creates the output directory and canonicalises every directory. Ids: local.io.
  static Result<LocalFiles> create(LocalFilesOptions options);

  // A fetched http(s) source's temporary copy, removed when the holder goes out of scope.
  struct FetchedCopy {
    std::string path;
    FetchedCopy() = default;
    FetchedCopy(const FetchedCopy&) = delete;
    FetchedCopy& operator=(const FetchedCopy&) = delete;
    ~FetchedCopy();
  };

  // The file of a `uri` source of `tool`. Ids: invalid_argument.<tool>.source.uri (outside the
  // input directories, a credential file, not a readable file, a malformed URL), the fetch's
  // source.* ids, cancelled.
  Result<std::string> resolve_uri(const std::string& tool, const std::string& uri,
                                  FetchedCopy& fetched,
                                  const core::RunContext* context = nullptr) const;
  // The same for a plan's `uri` source: a local path may also lie in one of the plan's roots.
  Result<std::string> resolve_uri(const core::Plan& plan, FetchedCopy& fetched,
                                  const core::RunContext* context = nullptr) const;
  // What can be told about `plan`'s local files without reading or fetching anything: a local
  // `uri` source as resolve_uri checks it, an http(s) one only its form, and output.path as
  // resolve_download_path checks it. Ids: invalid_argument.<tool>.source.uri|output.path.
  Status check_paths(const core::Plan& plan) const;
  // A download path inside the output directory. Ids: invalid_argument.<tool>.output.path.
  Result<std::string> resolve_download_path(const std::string& tool, const std::string& path) const;
  // `status` with the output directory and the hidden directories taken out of its message.
  Status without_server_paths(Status status) const;

  const LocalFilesOptions& options() const { return options_; }

 private:
  explicit LocalFiles(LocalFilesOptions options) : options_(std::move(options)) {}
  Result<std::string> resolve(const std::string& tool, const std::string& uri,
                              const std::vector<std::string>& roots, FetchedCopy& fetched,
                              const core::RunContext* context) const;
  // A local `uri`: a regular file inside the input directories or the directories of `roots`
  // (root_directories), not a credential file.
  Result<std::string> local_file(const std::string& field, const std::string& uri,
                                 const std::vector<std::string>& roots) const;
  LocalFilesOptions options_;
};

}  // namespace omm::files

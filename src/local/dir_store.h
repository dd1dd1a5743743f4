// DirStore: a directory acting as the bucket of the local backend.
//
// Keys map to files under the root. A key is refused unless it is a canonical, unreserved object
// key (core/object_key.h: no empty, "." or ".." segment, not in the server's own areas such as
// ".tmp/" or ".omm-part-*"), each segment fits a file name (255 bytes), and its resolved path —
// every symlink followed — stays inside the root. Writes go to a temporary file in the target's
// directory and are renamed into place only on success; nothing half-written is ever visible
// under a key. Listings skip the reserved areas. Thread-safe (the filesystem is the only state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "files/made_dirs.h"

namespace omm::local {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::int64_t last_modified_ms = 0;  // Unix epoch milliseconds
  std::string etag;                   // "<size hex>-<mtime ns hex>": changes when the file does
  std::string content_type;           // from the extension
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;  // "" or "/"
  int max_keys = 1000;    // 1..1000
  // Where the previous page ended (its next_after): entries up to it are skipped, and when it is
  // a common prefix (it ends with the delimiter) everything under it too.
  std::string start_after;
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_after;  // the last key or common prefix of a truncated page
};

class DirStore {
 public:
  // Opens (creating if needed) the root directory; `create` false: only names it (a root that
  // does not exist yet holds no object). Ids: local.root.
  static Result<DirStore> open(const std::string& root, bool create = true);

  const std::string& root() const { return root_; }
  // The file for `key`, checked (ids: invalid_argument.key, local.escape). The file need not
  // exist.
  Result<std::string> path_for(std::string_view key) const;
  // Ids: object.NoSuchKey (the contract's id for a missing object on every backend).
  Result<ObjectInfo> head(std::string_view key) const;
  Result<ListPage> list(const ListRequest& request) const;
  Status remove(std::string_view key) const;

  // A fresh temporary path next to `key`'s file. Missing parent directories are created and
  // recorded in `made` (taken back when the caller's call fails); without `made` they stay.
  Result<std::string> temp_path_for(std::string_view key, files::MadeDirs* made = nullptr) const;
  // Renames a finished temporary file into place; on failure the temporary file is removed.
  Result<ObjectInfo> commit(const std::string& temp_path, std::string_view key) const;
  // Copies a local file in under `key` (temporary file + rename; nothing left on failure,
  // directories it created included).
  Result<ObjectInfo> put_file(std::string_view key, const std::string& local_path) const;

  static std::string content_type_for(std::string_view key);

 private:
  explicit DirStore(std::string root) : root_(std::move(root)) {}
  std::string root_;  // canonical, no trailing '/'
};

}  // namespace omm::local

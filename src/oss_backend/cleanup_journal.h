// The cleanup journal of the oss backend (DESIGN.md "Sources"): every temporary object the server
// uploads (a `uri` source staged under a unique prefix) is recorded here before the upload
// starts and removed from it once the object is deleted. Entries whose delete failed stay, and
// drain() retries them — after each call that left some behind and at the next start — until
// the journal is empty. One JSON file, rewritten atomically (temp name + rename). Thread-safe
// within a process; two servers sharing one file may retry each other's deletes, which is
// harmless (deleting a missing object succeeds).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace omm::oss_backend {

struct TempObject {
  std::string bucket;
  std::string key;
};

class CleanupJournal {
 public:
  explicit CleanupJournal(std::string path) : path_(std::move(path)) {}

  Status add(const TempObject& object);
  Status remove(const TempObject& object);
  std::vector<TempObject> entries() const;
  // Calls `erase` for every entry; those it deletes (ok) leave the journal. Returns how many
  // remain.
  size_t drain(const std::function<Status(const TempObject&)>& erase);
  const std::string& path() const { return path_; }

 private:
  std::vector<TempObject> load_locked() const;
  Status store_locked(const std::vector<TempObject>& entries) const;

  std::string path_;
  mutable std::mutex mu_;
};

}  // namespace omm::oss_backend

// BatchManifest: the record of one batch (batch_process), in the server's own state directory:
// `<dir>/<batch_id>/request.json` (the batch's definition: a later call with the same batch_id
// must ask for the same work) and `<dir>/<batch_id>/manifest.jsonl`, one JSON line per event of
// an item:
//
//   {"key":"p/a.jpg","status":"started","at_ms":…}
//   {"key":"p/a.jpg","status":"done","output":"t/a.webp","at_ms":…}          (save: a key;
//   {"key":"p/b.jpg","status":"failed","error":{"id":"engine.decode","message":"…"},"at_ms":…}
//   {"key":"p/c.jpg","status":"done","data":{…},"at_ms":…}                   read-only: data)
//
// Lines are appended with one write each (O_APPEND), so a server killed at any moment leaves
// whole lines behind (a torn last line is skipped when read). The latest line of a key says
// where it stands; `started` without a later line means the server stopped while the item ran.
// Thread-safe: appends from several threads are serialised.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace omm::core {

struct ManifestEntry {
  std::string key;
  std::string status;  // started | done | failed | canceled
  std::string output;  // done: the target key or the path written ("" for read-only tools)
  std::string error_id;
  std::string error_message;
  nlohmann::json data;  // done, read-only tools: the item's data
  std::int64_t at_ms = 0;
};

class BatchManifest {
 public:
  // Opens the batch's record under `dir`, creating it (private to the user) with `definition`
  // for a new batch. Ids: invalid_argument.batch_process.batch_id (the id names another batch's
  // work), batch.io.
  static Result<BatchManifest> open(const std::string& dir, const std::string& batch_id,
                                    const nlohmann::json& definition);
  // The record of a batch that exists (its stored definition). Ids: batch.io.
  static Result<BatchManifest> open_existing(const std::string& dir, const std::string& batch_id);
  // Whether a batch of that id has a record under `dir`.
  static bool exists(const std::string& dir, const std::string& batch_id);

  Status append(const ManifestEntry& entry) const;
  // The latest entry of every key (lines that do not parse are skipped).
  std::map<std::string, ManifestEntry> latest() const;
  // The manifest as text, at most `max_bytes` (batch.too_large beyond).
  Result<std::string> text(std::size_t max_bytes) const;
  const nlohmann::json& definition() const;
  const std::string& batch_id() const;

 private:
  struct State;
  explicit BatchManifest(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

nlohmann::json to_json(const ManifestEntry& entry);

}  // namespace omm::core

// ObjectStore: the emulator's buckets and objects on disk. Every subfolder of the root is a
// bucket; an object is the file <root>/<bucket>/<key>, written through a temporary name and
// renamed (local/dir_store.h does the key checks and the atomic writes). A bucket directory is
// created by PutBucket or by the first write into it.
//
// ETag is the quoted upper-case hex MD5 of the content (multipart objects too: real OSS gives
// those a different form, clients must not rely on either); x-oss-hash-crc64ecma is computed
// from the content. Both are cached per (path, size, mtime). Multipart uploads keep their parts
// under <root>/.tmp/multipart/<upload id>/ until completed or aborted; upload ids survive a
// restart. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "local/dir_store.h"

namespace omm::emulate {

struct ObjectMeta {
  std::string key;  // without the bucket
  std::uint64_t size = 0;
  std::int64_t last_modified_ms = 0;
  std::string etag;  // quoted: "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\""
  std::uint64_t crc64 = 0;
  std::string content_type;
};

struct ListQuery {
  std::string prefix;
  std::string delimiter;
  std::string after;  // keys strictly after this one (marker / start-after / continuation)
  int max_keys = 100;
};

struct ObjectList {
  std::vector<ObjectMeta> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_after;  // the last key or prefix returned, when truncated
};

struct PartMeta {
  int number = 0;
  std::string etag;
  std::uint64_t size = 0;
  std::uint64_t crc64 = 0;
  std::int64_t last_modified_ms = 0;
};

struct UploadMeta {
  std::string id;
  std::string bucket;
  std::string key;
  std::int64_t initiated_ms = 0;
};

// Error ids: emulate.NoSuchBucket, emulate.NoSuchKey, emulate.NoSuchUpload,
// emulate.InvalidPart, emulate.InvalidPartOrder, emulate.InvalidObjectName, emulate.io.
class ObjectStore {
 public:
  static Result<ObjectStore> open(const std::string& root);

  const local::DirStore& dir() const { return dir_; }
  const std::string& root() const { return dir_.root(); }
  bool bucket_exists(std::string_view bucket) const;
  Status create_bucket(std::string_view bucket) const;
  static bool valid_bucket_name(std::string_view bucket);

  // The file behind an existing object (for the engines), checked.
  Result<std::string> object_path(std::string_view bucket, std::string_view key) const;
  Result<ObjectMeta> head(std::string_view bucket, std::string_view key) const;
  Result<std::string> read(std::string_view bucket, std::string_view key) const;
  Result<ObjectMeta> put(std::string_view bucket, std::string_view key,
                         std::string_view body) const;
  Result<ObjectMeta> copy(std::string_view from_bucket, std::string_view from_key,
                          std::string_view bucket, std::string_view key) const;
  Status remove(std::string_view bucket, std::string_view key) const;
  Result<ObjectList> list(std::string_view bucket, const ListQuery& query) const;

  Result<UploadMeta> initiate(std::string_view bucket, std::string_view key) const;
  Result<PartMeta> upload_part(std::string_view bucket, std::string_view key,
                               std::string_view upload_id, int number, std::string_view body) const;
  // `parts`: (number, etag) in the order given; numbers must ascend and etags match.
  Result<ObjectMeta> complete(std::string_view bucket, std::string_view key,
                              std::string_view upload_id,
                              const std::vector<std::pair<int, std::string>>& parts) const;
  Status abort(std::string_view bucket, std::string_view key, std::string_view upload_id) const;
  Result<std::vector<UploadMeta>> uploads(std::string_view bucket) const;
  Result<std::vector<PartMeta>> parts(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) const;

 private:
  explicit ObjectStore(local::DirStore dir);
  Result<ObjectMeta> meta_of(const std::string& path, std::string key) const;
  Result<std::string> upload_dir(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id) const;

  local::DirStore dir_;
  struct Cached {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::string etag;
    std::uint64_t crc64 = 0;
  };
  struct Cache {
    std::mutex mu;
    std::map<std::string, Cached> entries;  // by path
  };
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

// "\"<MD5 upper hex>\"" of some bytes.
std::string quoted_etag(std::string_view bytes);

}  // namespace omm::emulate

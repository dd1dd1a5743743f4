#include "emulate/object_store.h"

#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ascii.h"
#include "core/random_id.h"
#include "oss/crc64.h"
#include "oss/hash.h"

namespace omm::emulate {

namespace fs = std::filesystem;

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string unquote(std::string_view s) {
  while (!s.empty() && (s.front() == '"' || s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '"' || s.back() == ' ')) s.remove_suffix(1);
  return upper(std::string(s));
}

Status io_error(const std::string& what) { return Status::error("emulate.io", what); }

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return io_error("cannot read " + path);
  // One buffer of the file's size (a stringstream would grow by doubling, then copy).
  std::string bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::size_t>(in.gcount()) != bytes.size()) return io_error("cannot read " + path);
  return bytes;
}

Status write_file(const std::string& path, std::string_view body) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  return out ? Status::ok() : io_error("cannot write " + path);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_upload_id() { return to_upper(random_hex(16)); }

Status map_key_error(const Status& s) {
  if (s.id() == "object.NoSuchKey")
    return Status::error("emulate.NoSuchKey", "The specified key does not exist.");
  if (s.id() == "invalid_argument.key" || s.id() == "local.escape") {
    return Status::error("emulate.InvalidObjectName", s.message());
  }
  return s;
}

std::string joined(std::string_view bucket, std::string_view key) {
  return std::string(bucket) + "/" + std::string(key);
}

}  // namespace

std::string quoted_etag(std::string_view bytes) {
  return fmt::format("\"{}\"", upper(oss::hex_lower(oss::md5(bytes))));
}

ObjectStore::ObjectStore(local::DirStore dir) : dir_(std::move(dir)) {}

Result<ObjectStore> ObjectStore::open(const std::string& root) {
  auto dir = local::DirStore::open(root);
  if (!dir.ok()) return dir.status();
  return ObjectStore(std::move(*dir));
}

bool ObjectStore::valid_bucket_name(std::string_view b) {
  if (b.size() < 3 || b.size() > 63 || b.front() == '-' || b.back() == '-') return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool ObjectStore::bucket_exists(std::string_view bucket) const {
  std::error_code ec;
  return valid_bucket_name(bucket) && fs::is_directory(fs::path(root()) / std::string(bucket), ec);
}

Status ObjectStore::create_bucket(std::string_view bucket) const {
  if (!valid_bucket_name(bucket)) {
    return Status::error("emulate.InvalidBucketName",
                         "bucket names are 3..63 characters of a-z, 0-9 and '-'");
  }
  std::error_code ec;
  fs::create_directories(fs::path(root()) / std::string(bucket), ec);
  return ec ? io_error("cannot create bucket " + std::string(bucket)) : Status::ok();
}

Result<ObjectMeta> ObjectStore::meta_of(const std::string& path, std::string key) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::error("emulate.NoSuchKey", "The specified key does not exist.");
  }
  std::int64_t ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  ObjectMeta m;
  m.size = static_cast<std::uint64_t>(st.st_size);
  m.last_modified_ms = ns / 1000000;
  m.content_type = local::DirStore::content_type_for(key);
  m.key = std::move(key);
  {
    std::lock_guard<std::mutex> lock(cache_->mu);
    auto it = cache_->entries.find(path);
    if (it != cache_->entries.end() && it->second.size == m.size && it->second.mtime_ns == ns) {
      m.etag = it->second.etag;
      m.crc64 = it->second.crc64;
      return m;
    }
  }
  // MD5 and CRC-64 in 1 MiB slices: a large object is never held in memory.
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read " + path);
  oss::Md5Stream md5;
  std::uint64_t crc = 0;
  std::uint64_t total = 0;
  std::string slice(1 << 20, '\0');
  while (in) {
    in.read(slice.data(), static_cast<std::streamsize>(slice.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    md5.update(std::string_view(slice.data(), got));
    crc = oss::crc64_ecma_update(crc, slice.data(), got);
    total += got;
  }
  if (in.bad()) return io_error("cannot read " + path);
  m.etag = fmt::format("\"{}\"", upper(oss::hex_lower(md5.digest())));
  m.crc64 = crc;
  if (total != m.size) {  // replaced while being read: describe what was read, cache nothing
    m.size = total;
    return m;
  }
  std::lock_guard<std::mutex> lock(cache_->mu);
  cache_->entries[path] = Cached{m.size, ns, m.etag, m.crc64};
  return m;
}

Result<std::string> ObjectStore::object_path(std::string_view bucket, std::string_view key) const {
  if (!bucket_exists(bucket))
    return Status::error("emulate.NoSuchBucket", "The specified bucket does not exist.");
  auto path = dir_.path_for(joined(bucket, key));
  if (!path.ok()) return map_key_error(path.status());
  return *path;
}

Result<ObjectMeta> ObjectStore::head(std::string_view bucket, std::string_view key) const {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.status();
  return meta_of(*path, std::string(key));
}

Result<std::string> ObjectStore::read(std::string_view bucket, std::string_view key) const {
  auto meta = head(bucket, key);
  if (!meta.ok()) return meta.status();
  return read_file(*object_path(bucket, key));
}

Result<ObjectMeta> ObjectStore::put(std::string_view bucket, std::string_view key,
                                    std::string_view body) const {
  if (!bucket_exists(bucket)) {
    if (Status s = create_bucket(bucket); !s) return s;
  }
  auto temp = dir_.temp_path_for(joined(bucket, key));
  if (!temp.ok()) return map_key_error(temp.status());
  if (Status s = write_file(*temp, body); !s) {
    std::remove(temp->c_str());
    return s;
  }
  auto info = dir_.commit(*temp, joined(bucket, key));
  if (!info.ok()) return map_key_error(info.status());
  return head(bucket, key);
}

Result<ObjectMeta> ObjectStore::copy(std::string_view from_bucket, std::string_view from_key,
                                     std::string_view bucket, std::string_view key) const {
  auto bytes = read(from_bucket, from_key);
  if (!bytes.ok()) return bytes.status();
  return put(bucket, key, *bytes);
}

Status ObjectStore::remove(std::string_view bucket, std::string_view key) const {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.status();
  return dir_.remove(joined(bucket, key));
}

Result<ObjectList> ObjectStore::list(std::string_view bucket, const ListQuery& query) const {
  if (!bucket_exists(bucket))
    return Status::error("emulate.NoSuchBucket", "The specified bucket does not exist.");
  std::string base = std::string(bucket) + "/";
  local::ListRequest req;
  req.prefix = base + query.prefix;
  req.delimiter = query.delimiter;
  req.max_keys = query.max_keys;
  // A common prefix as the marker skips everything under it (DirStore::list).
  if (!query.after.empty()) req.start_after = base + query.after;
  auto page = dir_.list(req);
  if (!page.ok()) return Status::error("emulate.InvalidArgument", page.status().message());
  ObjectList out;
  for (const auto& info : page->objects) {
    auto meta = meta_of(root() + "/" + info.key, info.key.substr(base.size()));
    if (meta.ok()) out.objects.push_back(std::move(*meta));
  }
  for (const auto& p : page->common_prefixes) out.common_prefixes.push_back(p.substr(base.size()));
  out.truncated = page->truncated;
  if (out.truncated) {
    out.next_after = page->next_after.substr(base.size());
  }
  return out;
}

Result<UploadMeta> ObjectStore::initiate(std::string_view bucket, std::string_view key) const {
  if (!bucket_exists(bucket)) {
    if (Status s = create_bucket(bucket); !s) return s;
  }
  if (auto p = dir_.path_for(joined(bucket, key)); !p.ok()) return map_key_error(p.status());
  UploadMeta u{new_upload_id(), std::string(bucket), std::string(key), now_ms()};
  fs::path dir = fs::path(root()) / ".tmp" / "multipart" / u.id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir.string());
  if (Status s = write_file((dir / "upload").string(),
                            fmt::format("{}\n{}\n{}", u.bucket, u.initiated_ms, u.key));
      !s) {
    return s;
  }
  return u;
}

Result<std::string> ObjectStore::upload_dir(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id) const {
  bool id_ok = !upload_id.empty() && upload_id.size() <= 64 &&
               std::all_of(upload_id.begin(), upload_id.end(),
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  fs::path dir = fs::path(root()) / ".tmp" / "multipart" / std::string(id_ok ? upload_id : "-");
  auto text = id_ok ? read_file((dir / "upload").string()) : Result<std::string>(io_error(""));
  std::string expect = fmt::format("{}\n", bucket);
  if (!text.ok() || text->rfind(expect, 0) != 0 ||
      text->substr(text->find('\n', expect.size()) + 1) != key) {
    return Status::error("emulate.NoSuchUpload",
                         "The specified upload does not exist. The upload ID may be invalid, or "
                         "the upload may have been aborted or completed.");
  }
  return dir.string();
}

Result<PartMeta> ObjectStore::upload_part(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id, int number,
                                          std::string_view body) const {
  auto dir = upload_dir(bucket, key, upload_id);
  if (!dir.ok()) return dir.status();
  std::string path = fmt::format("{}/{:05}.part", *dir, number);
  std::string temp = path + ".tmp";
  if (Status s = write_file(temp, body); !s) return s;
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return io_error("cannot store part " + std::to_string(number));
  auto meta = meta_of(path, "");
  if (!meta.ok()) return meta.status();
  return PartMeta{number, meta->etag, meta->size, meta->crc64, meta->last_modified_ms};
}

Result<std::vector<PartMeta>> ObjectStore::parts(std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id) const {
  auto dir = upload_dir(bucket, key, upload_id);
  if (!dir.ok()) return dir.status();
  std::vector<PartMeta> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(*dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() != 10 || name.substr(5) != ".part") continue;
    auto meta = meta_of(e.path().string(), "");
    if (!meta.ok()) continue;
    out.push_back({std::stoi(name.substr(0, 5)), meta->etag, meta->size, meta->crc64,
                   meta->last_modified_ms});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  return out;
}

Result<ObjectMeta> ObjectStore::complete(
    std::string_view bucket, std::string_view key, std::string_view upload_id,
    const std::vector<std::pair<int, std::string>>& wanted) const {
  auto have = parts(bucket, key, upload_id);
  if (!have.ok()) return have.status();
  if (wanted.empty()) {
    return Status::error("emulate.InvalidPart", "CompleteMultipartUpload names no part.");
  }
  std::string body;
  int previous = 0;
  for (const auto& [number, etag] : wanted) {
    if (number <= previous) {
      return Status::error("emulate.InvalidPartOrder",
                           "The list of parts was not in ascending order.");
    }
    previous = number;
    auto it = std::find_if(have->begin(), have->end(),
                           [&](const PartMeta& p) { return p.number == number; });
    if (it == have->end() || unquote(it->etag) != unquote(etag)) {
      return Status::error(
          "emulate.InvalidPart",
          fmt::format("Part {} was not uploaded or its ETag does not match.", number));
    }
    auto bytes =
        read_file(fmt::format("{}/{:05}.part", *upload_dir(bucket, key, upload_id), number));
    if (!bytes.ok()) return bytes.status();
    body += *bytes;
  }
  auto meta = put(bucket, key, body);
  if (!meta.ok()) return meta.status();
  std::error_code ec;
  fs::remove_all(*upload_dir(bucket, key, upload_id), ec);
  return meta;
}

Status ObjectStore::abort(std::string_view bucket, std::string_view key,
                          std::string_view upload_id) const {
  auto dir = upload_dir(bucket, key, upload_id);
  if (!dir.ok()) return dir.status();
  std::error_code ec;
  fs::remove_all(*dir, ec);
  return ec ? io_error("cannot remove upload " + std::string(upload_id)) : Status::ok();
}

Result<std::vector<UploadMeta>> ObjectStore::uploads(std::string_view bucket) const {
  if (!bucket_exists(bucket))
    return Status::error("emulate.NoSuchBucket", "The specified bucket does not exist.");
  std::vector<UploadMeta> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(root()) / ".tmp" / "multipart", ec)) {
    auto text = read_file((e.path() / "upload").string());
    if (!text.ok()) continue;
    std::size_t a = text->find('\n');
    std::size_t b = text->find('\n', a + 1);
    if (a == std::string::npos || b == std::string::npos || text->substr(0, a) != bucket) continue;
    out.push_back({e.path().filename().string(), std::string(bucket), text->substr(b + 1),
                   std::stoll(text->substr(a + 1, b - a - 1))});
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return std::tie(x.key, x.id) < std::tie(y.key, y.id);
  });
  return out;
}

}  // namespace omm::emulate

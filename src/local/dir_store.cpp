#include "local/dir_store.h"

#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/ascii.h"
#include "core/error_scope.h"
#include "core/object_key.h"
#include "core/random_id.h"

namespace omm::local {

namespace fs = std::filesystem;

namespace {

// The longest file name of the filesystems the root lives on (NAME_MAX).
constexpr std::size_t kMaxSegmentBytes = 255;

ObjectInfo info_for(const std::string& key, const struct stat& st) {
  ObjectInfo info;
  info.key = key;
  info.size = static_cast<std::uint64_t>(st.st_size);
  std::int64_t ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  info.last_modified_ms = ns / 1000000;
  info.etag = fmt::format("{:x}-{:x}", info.size, ns);
  info.content_type = DirStore::content_type_for(key);
  return info;
}

std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}{:x}", random_hex(5), counter.fetch_add(1));
}

}  // namespace

Result<DirStore> DirStore::open(const std::string& root, bool create) {
  std::error_code ec;
  if (create) fs::create_directories(root, ec);
  fs::path canon = create ? fs::canonical(root, ec) : fs::weakly_canonical(root, ec);
  if (ec || (create && !fs::is_directory(canon))) {
    return Status::error("local.root",
                         fmt::format("the local root {} is not a usable directory", root));
  }
  std::string r = canon.string();
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return DirStore(r);
}

Result<std::string> DirStore::path_for(std::string_view key) const {
  if (Status s = core::check_object_key(key, core::ErrorScope("local"), "key"); !s.is_ok()) {
    return Status::error("invalid_argument.key", s.message());
  }
  for (std::size_t start = 0; start < key.size();) {
    std::size_t end = std::min(key.find('/', start), key.size());
    if (end - start > kMaxSegmentBytes) {
      return Status::error(
          "invalid_argument.key",
          fmt::format("key {} has a segment of {} bytes; the local backend stores keys as files, "
                      "whose names are at most {} bytes",
                      core::quote_text(key), end - start, kMaxSegmentBytes));
    }
    start = end + 1;
  }
  fs::path path = fs::path(root_) / fs::path(std::string(key));
  // Resolve the deepest existing ancestor (symlinks followed) and require it inside the root.
  std::error_code ec;
  fs::path probe = path;
  while (!probe.empty() && !fs::exists(fs::symlink_status(probe, ec))) probe = probe.parent_path();
  fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return Status::error("local.escape", "cannot resolve the path of the key");
  std::string rs = resolved.string();
  if (rs != root_ && rs.rfind(root_ + "/", 0) != 0) {
    return Status::error("local.escape", "the key resolves outside the local root");
  }
  return path.string();
}

Result<ObjectInfo> DirStore::head(std::string_view key) const {
  auto path = path_for(key);
  if (!path.ok()) return path.status();
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::error("object.NoSuchKey",
                         fmt::format("the object {} does not exist", std::string(key)));
  }
  return info_for(std::string(key), st);
}

Result<ListPage> DirStore::list(const ListRequest& request) const {
  if (request.max_keys < 1 || request.max_keys > 1000) {
    return Status::error("invalid_argument.object_list.max_keys",
                         fmt::format("max_keys must be 1..1000, got {}", request.max_keys));
  }
  std::vector<std::pair<std::string, struct stat>> all;
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().string().substr(root_.size() + 1);
    if (core::is_reserved_key(rel)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || !it->is_regular_file()) continue;
    if (rel.rfind(request.prefix, 0) != 0) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    all.emplace_back(rel, st);
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ListPage page;
  std::string last_prefix;
  const std::string& after = request.start_after;
  const bool after_prefix = !after.empty() && !request.delimiter.empty() &&
                            after.size() >= request.delimiter.size() &&
                            after.compare(after.size() - request.delimiter.size(),
                                          std::string::npos, request.delimiter) == 0;
  for (const auto& [key, st] : all) {
    if (!after.empty() && (key <= after || (after_prefix && key.rfind(after, 0) == 0))) continue;
    std::string common;
    if (!request.delimiter.empty()) {
      size_t pos = key.find(request.delimiter, request.prefix.size());
      if (pos != std::string::npos) common = key.substr(0, pos + request.delimiter.size());
    }
    if (!common.empty() && common == last_prefix) continue;
    if (static_cast<int>(page.objects.size() + page.common_prefixes.size()) >= request.max_keys) {
      page.truncated = true;
      break;
    }
    if (!common.empty()) {
      page.common_prefixes.push_back(common);
      last_prefix = common;
      page.next_after = common;
    } else {
      page.objects.push_back(info_for(key, st));
      page.next_after = key;
    }
  }
  if (!page.truncated) page.next_after.clear();
  return page;
}

Status DirStore::remove(std::string_view key) const {
  auto path = path_for(key);
  if (!path.ok()) return path.status();
  if (::unlink(path->c_str()) != 0 && errno != ENOENT) {
    return Status::error(
        "local.io", fmt::format("cannot delete {}: {}", std::string(key), std::strerror(errno)));
  }
  return Status::ok();
}

Result<std::string> DirStore::temp_path_for(std::string_view key, files::MadeDirs* made) const {
  auto path = path_for(key);
  if (!path.ok()) return path.status();
  fs::path p(*path);
  std::error_code ec;
  if (made != nullptr) {
    ec = made->make_parents_of(p);
  } else {
    fs::create_directories(p.parent_path(), ec);
  }
  if (ec) return Status::error("local.io", "cannot create the directory for " + std::string(key));
  return (p.parent_path() / (".omm-part-" + random_suffix() + "-" + p.filename().string()))
      .string();
}

Result<ObjectInfo> DirStore::commit(const std::string& temp_path, std::string_view key) const {
  auto path = path_for(key);
  if (!path.ok()) {
    ::unlink(temp_path.c_str());
    return path.status();
  }
  if (::rename(temp_path.c_str(), path->c_str()) != 0) {
    int err = errno;
    ::unlink(temp_path.c_str());
    return Status::error("local.io",
                         fmt::format("cannot store {}: {}", std::string(key), std::strerror(err)));
  }
  return head(key);
}

Result<ObjectInfo> DirStore::put_file(std::string_view key, const std::string& local_path) const {
  files::MadeDirs made;
  auto temp = temp_path_for(key, &made);
  if (!temp.ok()) return temp.status();
  std::error_code ec;
  fs::copy_file(local_path, *temp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    ::unlink(temp->c_str());
    return Status::error("local.io", fmt::format("cannot read the source file: {}", ec.message()));
  }
  auto info = commit(*temp, key);
  if (info.ok()) made.keep();
  return info;
}

std::string DirStore::content_type_for(std::string_view key) {
  std::string ext;
  if (size_t dot = key.rfind('.');
      dot != std::string_view::npos && key.find('/', dot) == std::string_view::npos) {
    ext = to_lower(key.substr(dot + 1));
  }
  static const std::pair<const char*, const char*> kTypes[] = {
      {"jpg", "image/jpeg"},       {"jpeg", "image/jpeg"},
      {"png", "image/png"},        {"webp", "image/webp"},
      {"gif", "image/gif"},        {"bmp", "image/bmp"},
      {"tif", "image/tiff"},       {"tiff", "image/tiff"},
      {"heic", "image/heic"},      {"avif", "image/avif"},
      {"mp4", "video/mp4"},        {"mov", "video/quicktime"},
      {"mkv", "video/x-matroska"}, {"webm", "video/webm"},
      {"ts", "video/mp2t"},        {"flv", "video/x-flv"},
      {"avi", "video/x-msvideo"},  {"m3u8", "application/vnd.apple.mpegurl"},
      {"mp3", "audio/mpeg"},       {"aac", "audio/aac"},
      {"m4a", "audio/mp4"},        {"amr", "audio/amr"},
      {"wav", "audio/wav"},        {"flac", "audio/flac"},
      {"ogg", "audio/ogg"},        {"oga", "audio/ogg"},
      {"opus", "audio/opus"},      {"json", "application/json"},
      {"txt", "text/plain"},       {"pdf", "application/pdf"}};
  for (const auto& [e, t] : kTypes) {
    if (ext == e) return t;
  }
  return "application/octet-stream";
}

}  // namespace omm::local

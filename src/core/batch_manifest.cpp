#include "core/batch_manifest.h"

#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace omm::core {

namespace fs = std::filesystem;
using nlohmann::json;

struct BatchManifest::State {
  std::string batch_id;
  std::string dir;
  json definition;
  std::mutex mu;
  int fd = -1;
  ~State() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

Status io_error(const std::string& what) {
  return Status::error("batch.io", fmt::format("{}: {}", what, std::strerror(errno)));
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `path` through a temporary name (never torn).
Status write_atomically(const fs::path& path, const std::string& text) {
  fs::path temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot write the batch record");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return io_error("cannot write the batch record");
  }
  return Status::ok();
}

// Creates the missing directories of `dir`, each private to the user (0700).
bool make_private_dirs(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  if (dir.has_parent_path() && dir.parent_path() != dir && !make_private_dirs(dir.parent_path())) {
    return false;
  }
  return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST;
}

}  // namespace

json to_json(const ManifestEntry& e) {
  json j{{"key", e.key}, {"status", e.status}, {"at_ms", e.at_ms}};
  if (!e.output.empty()) j["output"] = e.output;
  if (!e.error_id.empty()) j["error"] = {{"id", e.error_id}, {"message", e.error_message}};
  if (!e.data.is_null()) j["data"] = e.data;
  return j;
}

bool BatchManifest::exists(const std::string& dir, const std::string& batch_id) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / batch_id / "request.json", ec);
}

Result<BatchManifest> BatchManifest::open(const std::string& dir, const std::string& batch_id,
                                          const json& definition) {
  const fs::path home = fs::path(dir) / batch_id;
  std::error_code ec;
  if (!make_private_dirs(home)) return io_error("cannot create the batch record");
  const fs::path request = home / "request.json";
  if (fs::exists(request, ec)) {
    json stored = json::parse(read_file(request), nullptr, false);
    if (stored.is_discarded() || stored != definition) {
      return Status::error("invalid_argument.batch_process.batch_id",
                           fmt::format("batch {} was started with other work (tool, source, "
                                       "arguments or output); resume it with the same "
                                       "arguments, or leave batch_id out for a new batch",
                                       batch_id));
    }
  } else if (Status s = write_atomically(request, definition.dump() + "\n"); !s) {
    return s;
  }
  auto state = std::make_shared<State>();
  state->batch_id = batch_id;
  state->dir = home.string();
  state->definition = definition;
  state->fd =
      ::open((home / "manifest.jsonl").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (state->fd < 0) return io_error("cannot open the batch manifest");
  return BatchManifest(std::move(state));
}

Result<BatchManifest> BatchManifest::open_existing(const std::string& dir,
                                                   const std::string& batch_id) {
  json definition =
      json::parse(read_file(fs::path(dir) / batch_id / "request.json"), nullptr, false);
  if (definition.is_discarded()) {
    return Status::error("batch.io", fmt::format("the record of batch {} is unreadable", batch_id));
  }
  return open(dir, batch_id, definition);
}

Status BatchManifest::append(const ManifestEntry& entry) const {
  std::string line = to_json(entry).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(state_->mu);
  // One write per line: a kill between lines leaves whole lines behind.
  ssize_t n = ::write(state_->fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) return io_error("cannot append to the manifest");
  return Status::ok();
}

std::map<std::string, ManifestEntry> BatchManifest::latest() const {
  std::map<std::string, ManifestEntry> out;
  std::ifstream in(fs::path(state_->dir) / "manifest.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) continue;
    ManifestEntry e;
    e.key = j["key"].get<std::string>();
    e.status = j.value("status", "");
    e.output = j.value("output", "");
    e.at_ms = j.value("at_ms", std::int64_t{0});
    if (auto err = j.find("error"); err != j.end() && err->is_object()) {
      e.error_id = err->value("id", "");
      e.error_message = err->value("message", "");
    }
    if (auto d = j.find("data"); d != j.end()) e.data = *d;
    out[e.key] = std::move(e);
  }
  return out;
}

Result<std::string> BatchManifest::text(std::size_t max_bytes) const {
  std::error_code ec;
  auto size = fs::file_size(fs::path(state_->dir) / "manifest.jsonl", ec);
  if (!ec && size > max_bytes) {
    return Status::error("batch.too_large",
                         fmt::format("the manifest of batch {} is {} bytes, more than {}",
                                     state_->batch_id, size, max_bytes));
  }
  return read_file(fs::path(state_->dir) / "manifest.jsonl");
}

const json& BatchManifest::definition() const { return state_->definition; }
const std::string& BatchManifest::batch_id() const { return state_->batch_id; }

}  // namespace omm::core

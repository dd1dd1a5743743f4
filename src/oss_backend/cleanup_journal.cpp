#include "oss_backend/cleanup_journal.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace omm::oss_backend {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<TempObject> CleanupJournal::load_locked() const {
  std::vector<TempObject> out;
  std::ifstream in(path_);
  if (!in) return out;
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, false);
  if (!j.is_array()) return out;
  for (const json& e : j) {
    if (e.is_object() && e.value("key", "") != "") {
      out.push_back({e.value("bucket", ""), e.value("key", "")});
    }
  }
  return out;
}

Status CleanupJournal::store_locked(const std::vector<TempObject>& entries) const {
  json j = json::array();
  for (const auto& e : entries) j.push_back({{"bucket", e.bucket}, {"key", e.key}});
  std::error_code ec;
  fs::create_directories(fs::path(path_).parent_path(), ec);
  std::string temp = fmt::format("{}.{}.tmp", path_, ::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << j.dump() << "\n";
    if (!out.flush()) {
      fs::remove(temp, ec);
      return Status::error("oss.local_io", "cannot write the cleanup journal " + path_);
    }
  }
  fs::rename(temp, path_, ec);
  if (ec) {
    fs::remove(temp, ec);
    return Status::error("oss.local_io", "cannot write the cleanup journal " + path_);
  }
  return Status::ok();
}

Status CleanupJournal::add(const TempObject& object) {
  std::lock_guard<std::mutex> lock(mu_);
  auto entries = load_locked();
  entries.push_back(object);
  return store_locked(entries);
}

Status CleanupJournal::remove(const TempObject& object) {
  std::lock_guard<std::mutex> lock(mu_);
  auto entries = load_locked();
  std::erase_if(entries, [&](const TempObject& e) {
    return e.bucket == object.bucket && e.key == object.key;
  });
  return store_locked(entries);
}

std::vector<TempObject> CleanupJournal::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return load_locked();
}

size_t CleanupJournal::drain(const std::function<Status(const TempObject&)>& erase) {
  std::vector<TempObject> todo = entries();
  size_t left = 0;
  for (const auto& e : todo) {
    Status s = erase(e);
    if (s.is_ok()) {
      (void)remove(e);
    } else {
      ++left;
      spdlog::warn("cleanup: the temporary object {}/{} is not deleted yet: {}", e.bucket, e.key,
                   s.to_string());
    }
  }
  return left;
}

}  // namespace omm::oss_backend

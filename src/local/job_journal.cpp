#include "local/job_journal.h"

#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/random_id.h"

namespace omm::local {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kTempMarker = ".json.tmp-";

std::string random_tag() { return random_hex(8); }

Status io_error(const std::string& what, int err) {
  return Status::error("local.io", fmt::format("{}: {}", what, std::strerror(err)));
}

// Writes all of `text` to a new file and flushes it to disk.
Status write_synced(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create " + path, errno);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return io_error("cannot write " + path, e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return io_error("cannot flush " + path, e);
  }
  if (::close(fd) != 0) return io_error("cannot close " + path, errno);
  return Status::ok();
}

}  // namespace

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCanceled:
      return "canceled";
  }
  return "failed";
}

std::optional<JobState> job_state_from(std::string_view text) {
  for (JobState s :
       {JobState::kRunning, JobState::kSucceeded, JobState::kFailed, JobState::kCanceled}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

json to_json(const JobRecord& r) {
  json j{{"job_id", r.job_id},
         {"status", to_string(r.state)},
         {"tool", r.tool},
         {"operations", r.operations},
         {"target_key", r.target_key},
         {"request_id", r.request_id},
         {"partial_dirs", r.partial_dirs},
         {"queued", r.queued},
         {"created_ms", r.created_ms},
         {"updated_ms", r.updated_ms}};
  if (!r.children.empty()) {
    json children = json::array();
    for (const auto& c : r.children) {
      children.push_back({{"pid", c.pid}, {"start_ticks", c.start_ticks}, {"boot_id", c.boot_id}});
    }
    j["children"] = std::move(children);
  }
  if (r.state == JobState::kSucceeded) j["result"] = r.result;
  if (r.state == JobState::kFailed) j["error"] = {{"id", r.error_id}, {"message", r.error_message}};
  if (r.state == JobState::kCanceled && !r.reason.empty()) j["reason"] = r.reason;
  return j;
}

Result<JobRecord> job_record_from_json(const json& j) {
  if (!j.is_object()) return Status::error("job.journal", "a journal record is not a JSON object");
  auto text = [&](const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto number = [&](const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : std::int64_t{0};
  };
  JobRecord r;
  r.job_id = text("job_id");
  if (r.job_id.empty()) return Status::error("job.journal", "a journal record has no job_id");
  auto state = job_state_from(text("status"));
  if (!state) {
    return Status::error("job.journal",
                         fmt::format("the journal record of {} has an unknown status", r.job_id));
  }
  r.state = *state;
  r.tool = text("tool");
  r.operations = text("operations");
  r.target_key = text("target_key");
  r.request_id = text("request_id");
  if (auto it = j.find("partial_dirs"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_string()) r.partial_dirs.push_back(d.get<std::string>());
    }
  }
  if (auto it = j.find("children"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      JobRecord::Child child;
      auto pid = c.find("pid");
      auto ticks = c.find("start_ticks");
      auto boot = c.find("boot_id");
      if (pid == c.end() || !pid->is_number_unsigned() || ticks == c.end() ||
          !ticks->is_number_unsigned() || boot == c.end() || !boot->is_string()) {
        continue;
      }
      child.pid = static_cast<int>(std::min<std::uint64_t>(pid->get<std::uint64_t>(), 1u << 30));
      child.start_ticks = ticks->get<unsigned long long>();
      child.boot_id = boot->get<std::string>();
      if (child.pid > 0) r.children.push_back(std::move(child));
    }
  }
  if (auto it = j.find("queued"); it != j.end() && it->is_boolean()) r.queued = it->get<bool>();
  r.created_ms = number("created_ms");
  r.updated_ms = number("updated_ms");
  if (auto it = j.find("result"); it != j.end()) r.result = *it;
  if (auto it = j.find("error"); it != j.end() && it->is_object()) {
    r.error_id = it->value("id", "");
    r.error_message = it->value("message", "");
  }
  r.reason = text("reason");
  return r;
}

std::string JobJournal::path_of(std::string_view job_id) const {
  return (fs::path(dir_) / (std::string(job_id) + ".json")).string();
}

Status JobJournal::write(const JobRecord& record) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::error("local.io", fmt::format("cannot create {}: {}", dir_, ec.message()));
  std::string text = to_json(record).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  std::string temp =
      (fs::path(dir_) / fmt::format(".{}{}{}", record.job_id, kTempMarker, random_tag())).string();
  if (Status s = write_synced(temp, text); !s) {
    ::unlink(temp.c_str());
    return s;
  }
  std::string final_path = path_of(record.job_id);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(temp.c_str());
    return io_error("cannot rename into " + final_path, e);
  }
  return Status::ok();
}

Result<JobRecord> JobJournal::read(std::string_view job_id) const {
  std::string path = path_of(job_id);
  std::ifstream in(path);
  if (!in) return Status::error("job.not_found", fmt::format("no journal record of {}", job_id));
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded()) {
    return Status::error("job.journal",
                         fmt::format("the journal record of {} is not valid JSON", job_id));
  }
  auto r = job_record_from_json(j);
  if (r.ok() && r->job_id != job_id) {
    return Status::error("job.journal",
                         fmt::format("the journal record of {} names another job", job_id));
  }
  return r;
}

Status JobJournal::remove(std::string_view job_id) const {
  std::string path = path_of(job_id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return io_error("cannot remove " + path, errno);
  return Status::ok();
}

std::vector<std::string> JobJournal::ids() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || e.path().extension() != ".json") continue;
    out.push_back(name.substr(0, name.size() - 5));
  }
  return out;
}

void JobJournal::remove_stale_temporaries() const {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(kTempMarker) != std::string::npos) {
      std::error_code rm;
      fs::remove(e.path(), rm);
    }
  }
}

}  // namespace omm::local

#include "files/local_files.h"

#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "core/random_id.h"
#include "files/uri_fetch.h"

namespace omm::files {

namespace fs = std::filesystem;

namespace {

bool inside(const fs::path& dir, const fs::path& path) {
  std::string d = dir.string();
  std::string p = path.string();
  if (!d.empty() && d.back() == '/') d.pop_back();
  return p == d || p.rfind(d + "/", 0) == 0;
}

fs::path canonical_or_weak(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

bool is_credential_path(const fs::path& p) {
  std::string s = p.string();
  for (const char* marker : {"/.aliyun/", "/.alibabacloud/", "/.ssh/"}) {
    if (s.find(marker) != std::string::npos) return true;
  }
  return false;
}

// The extension of a URL's path (kept so engines and default formats go by it): short and
// alphanumeric, else none.
std::string url_extension(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  std::string name = path.substr(path.rfind('/') + 1);
  std::size_t dot = name.rfind('.');
  if (dot == std::string::npos) return {};
  std::string ext = name.substr(dot + 1);
  bool ok = !ext.empty() && ext.size() <= 5;
  for (char& c : ext) {
    ok = ok && std::isalnum(static_cast<unsigned char>(c));
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return ok ? ext : std::string();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The absolute path of a file:// URI (no host or "localhost"), percent-decoded; empty when it
// is not one.
std::string file_uri_path(const std::string& uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.size() > 4096 || uri.size() < kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(uri[i])) != kScheme[i]) return {};
  }
  std::string rest = uri.substr(kScheme.size());
  if (rest.rfind("localhost/", 0) == 0) rest.erase(0, 9);
  if (rest.empty() || rest.front() != '/' || rest.find_first_of("?#") != std::string::npos) {
    return {};
  }
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      path += rest[i];
      continue;
    }
    int hi = i + 2 < rest.size() ? hex_value(rest[i + 1]) : -1;
    int lo = hi >= 0 ? hex_value(rest[i + 2]) : -1;
    if (lo < 0 || (hi == 0 && lo == 0)) return {};
    path += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return path;
}

std::string fetch_name() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("fetch-{}{:x}", random_hex(8), counter.fetch_add(1));
}

}  // namespace

Result<LocalFiles> LocalFiles::create(LocalFilesOptions options) {
  std::error_code ec;
  if (options.create_output_dir) fs::create_directories(options.output_dir, ec);
  if (ec) {
    return Status::error("local.io", fmt::format("cannot create the output directory {}: {}",
                                                 options.output_dir, ec.message()));
  }
  options.output_dir = canonical_or_weak(options.output_dir).string();
  if (options.input_dirs.empty()) {
    options.input_dirs = {options.output_dir};
    if (!options.extra_input_dir.empty()) options.input_dirs.push_back(options.extra_input_dir);
  }
  for (auto& d : options.input_dirs) d = canonical_or_weak(d).string();
  return LocalFiles(std::move(options));
}

std::vector<std::string> root_directories(const std::vector<std::string>& uris) {
  std::vector<std::string> dirs;
  for (size_t i = 0; i < uris.size() && i < kMaxClientRoots; ++i) {
    std::string path = file_uri_path(uris[i]);
    if (path.empty()) continue;
    std::error_code ec;
    fs::path dir = fs::canonical(path, ec);
    if (!ec && fs::is_directory(dir, ec) && !ec) dirs.push_back(dir.string());
  }
  return dirs;
}

LocalFiles::FetchedCopy::~FetchedCopy() {
  if (!path.empty()) std::remove(path.c_str());
}

Result<std::string> LocalFiles::resolve_uri(const std::string& tool, const std::string& uri,
                                            FetchedCopy& fetched,
                                            const core::RunContext* context) const {
  return resolve(tool, uri, {}, fetched, context);
}

Result<std::string> LocalFiles::resolve_uri(const core::Plan& plan, FetchedCopy& fetched,
                                            const core::RunContext* context) const {
  return resolve(plan.tool, plan.source.value, plan.roots, fetched, context);
}

Result<std::string> LocalFiles::resolve(const std::string& tool, const std::string& uri,
                                        const std::vector<std::string>& roots, FetchedCopy& fetched,
                                        const core::RunContext* context) const {
  const std::string field = fmt::format("invalid_argument.{}.source.uri", tool);
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    std::error_code ec;
    fs::create_directories(options_.fetch_dir, ec);
    if (ec) return Status::error("local.io", "cannot create the fetch directory");
    std::string ext = url_extension(uri);
    fetched.path =
        (fs::path(options_.fetch_dir) / (fetch_name() + (ext.empty() ? "" : "." + ext))).string();
    FetchOptions o;
    o.max_bytes = options_.max_fetch_bytes;
    o.allow_private = options_.allow_private_uri;
    if (context != nullptr && context->cancelled) o.cancelled = context->cancelled;
    auto r = fetch_to_file(uri, fetched.path, o);
    if (!r.ok()) {
      if (r.status().id() == "source.bad_url") return Status::error(field, r.status().message());
      return r.status();
    }
    return fetched.path;
  }
  return local_file(field, uri, roots);
}

Result<std::string> LocalFiles::local_file(const std::string& field, const std::string& uri,
                                           const std::vector<std::string>& roots) const {
  fs::path p = canonical_or_weak(uri);
  if (is_credential_path(p)) {
    return Status::error(field, fmt::format("{} is a credential file: this server never reads "
                                            "those, whatever its input directories or the "
                                            "client's roots",
                                            uri));
  }
  bool allowed = false;
  for (const auto& d : options_.input_dirs) allowed = allowed || inside(d, p);
  if (!allowed && !roots.empty()) {
    for (const auto& d : root_directories(roots)) allowed = allowed || inside(d, p);
  }
  if (!allowed) {
    return Status::error(
        field, fmt::format("{} is outside the input directories this server reads local files "
                           "from (its --input-dir flags, by default its output directory and its "
                           "local root{}); start the server with --input-dir <a folder "
                           "containing it>, or declare a root containing it (MCP roots)",
                           uri, roots.empty() ? "" : ", and the client's file:// roots"));
  }
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::error(field, fmt::format("{} is not a readable file", uri));
  }
  return p.string();
}

Status LocalFiles::check_paths(const core::Plan& plan) const {
  if (plan.source.kind == core::Source::Kind::kUri) {
    const std::string field = fmt::format("invalid_argument.{}.source.uri", plan.tool);
    const std::string& uri = plan.source.value;
    if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
      auto url = parse_http_url(uri);
      if (!url.ok()) return Status::error(field, url.status().message());
    } else if (auto file = local_file(field, uri, plan.roots); !file.ok()) {
      return file.status();
    }
  }
  if (!plan.output.path.empty()) {
    if (auto path = resolve_download_path(plan.tool, plan.output.path); !path.ok()) {
      return path.status();
    }
  }
  return Status::ok();
}

Result<std::string> LocalFiles::resolve_download_path(const std::string& tool,
                                                      const std::string& path) const {
  fs::path p = fs::path(path).is_absolute() ? fs::path(path) : fs::path(options_.output_dir) / path;
  p = canonical_or_weak(p);
  if (!inside(options_.output_dir, p) || p == fs::path(options_.output_dir)) {
    return Status::error(fmt::format("invalid_argument.{}.output.path", tool),
                         fmt::format("{} is outside the output directory (downloads are written "
                                     "under the server's --output-dir; give a path relative to "
                                     "it)",
                                     path));
  }
  return p.string();
}

Status LocalFiles::without_server_paths(Status status) const {
  if (status.is_ok()) return status;
  std::string m = status.message();
  auto replace_all = [&m](const std::string& from, const std::string& to) {
    if (from.size() <= 1) return;
    for (size_t at = m.find(from); at != std::string::npos; at = m.find(from, at + to.size())) {
      m.replace(at, from.size(), to);
    }
  };
  std::vector<std::pair<std::string, std::string>> dirs = options_.hidden;
  dirs.push_back({options_.output_dir + "/", ""});
  dirs.push_back({options_.output_dir, "the output directory"});
  // Longest first: one directory may lie inside another.
  std::stable_sort(dirs.begin(), dirs.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : dirs) replace_all(from, to);
  return Status::error(status.id(), m);
}

}  // namespace omm::files

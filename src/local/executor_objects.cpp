// LocalExecutor, the objects without processing: upload and download (a transfer plan),
// object_head and object_list (executor.h).
#include <cstdio>
#include <filesystem>

#include "core/list_token.h"
#include "files/made_dirs.h"
#include "local/executor.h"
#include "local/executor_impl.h"

namespace omm::local {

namespace fs = std::filesystem;
using executor_impl::io_error;
using nlohmann::json;

Result<json> LocalExecutor::run_transfer(const core::Plan& plan) {
  json result{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()}};
  if (core::work_of(plan) == core::Work::kUpload) {
    FetchedCopy fetched;
    auto source = resolve_source(plan, fetched);
    if (!source.ok()) return source.status();
    auto info = store_.put_file(plan.output.target_key, *source);
    if (!info.ok()) return info.status();
    result["mode"] = "upload";
    result["target_key"] = plan.output.target_key;
    result["size"] = info->size;
    result["metadata"] = {{"content_type", info->content_type}, {"etag", info->etag}};
    return result;
  }
  FetchedCopy none;
  auto source = resolve_source(plan, none);  // the key to download
  if (!source.ok()) return source.status();
  auto path = files_->resolve_download_path(plan.tool, plan.output.path);
  if (!path.ok()) return path.status();
  files::MadeDirs made;  // taken back if the copy fails
  std::error_code ec = made.make_parents_of(*path);
  std::string temp =
      (fs::path(*path).parent_path() / (".omm-part-" + fs::path(*path).filename().string()))
          .string();
  if (!ec) fs::copy_file(*source, temp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(temp, *path, ec);
  if (ec) {
    std::remove(temp.c_str());
    return io_error("cannot write " + plan.output.path, ec);
  }
  made.keep();
  result["mode"] = "download";
  result["path"] = *path;
  result["size"] = static_cast<std::uint64_t>(fs::file_size(*path, ec));
  return result;
}

Result<json> LocalExecutor::head(const std::string& key) {
  auto info = store_.head(key);
  if (!info.ok()) return without_server_paths(info.status());
  return json{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()},
              {"target_key", info->key},
              {"size", info->size},
              {"metadata",
               {{"content_type", info->content_type},
                {"etag", info->etag},
                {"last_modified_ms", info->last_modified_ms}}}};
}

Result<json> LocalExecutor::list(const core::ObjectListRequest& request) {
  ListRequest req;
  req.prefix = request.prefix;
  req.delimiter = request.delimiter;
  req.max_keys = request.max_keys;
  if (!request.continuation_token.empty()) {
    auto after = core::decode_list_token(core::ListBackend::kLocal, request.continuation_token);
    if (!after.ok()) return after.status();
    req.start_after = std::move(*after);
  }
  auto page = store_.list(req);
  if (!page.ok()) return page.status();
  json objects = json::array();
  for (const auto& o : page->objects) {
    objects.push_back({{"key", o.key},
                       {"size", o.size},
                       {"last_modified_ms", o.last_modified_ms},
                       {"etag", o.etag}});
  }
  json result{{"success", true},
              {"backend", "local"},
              {"operations", ""},
              {"request_id", new_request_id()}};
  result["data"] = {{"objects", objects},
                    {"common_prefixes", page->common_prefixes},
                    {"is_truncated", page->truncated}};
  if (page->truncated) {
    result["data"]["next_continuation_token"] =
        core::encode_list_token(core::ListBackend::kLocal, page->next_after);
  }
  return result;
}

}  // namespace omm::local

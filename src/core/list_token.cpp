#include "core/list_token.h"

#include <spdlog/fmt/fmt.h>

#include "core/base64url.h"

namespace omm::core {

namespace {

std::string_view tag_of(ListBackend backend) {
  return backend == ListBackend::kLocal ? "l1." : "o1.";
}

Status bad_token(std::string_view why) {
  return Status::error("invalid_argument.object_list.continuation_token",
                       fmt::format("continuation_token {}; pass the next_continuation_token of "
                                   "the previous object_list page unchanged",
                                   why));
}

}  // namespace

std::string encode_list_token(ListBackend backend, std::string_view position) {
  return std::string(tag_of(backend)) + base64url_encode(position);
}

Result<std::string> decode_list_token(ListBackend backend, std::string_view token) {
  if (token.size() > kMaxListTokenBytes) {
    return bad_token(fmt::format("is longer than {} bytes", kMaxListTokenBytes));
  }
  std::string_view tag = tag_of(backend);
  if (token.substr(0, tag.size()) != tag) {
    std::string_view other =
        tag_of(backend == ListBackend::kLocal ? ListBackend::kOss : ListBackend::kLocal);
    return bad_token(token.substr(0, other.size()) == other ? "comes from the other backend"
                                                            : "is not a token of this server");
  }
  auto position = base64url_decode(token.substr(tag.size()));
  if (!position || position->empty()) return bad_token("is damaged");
  return std::move(*position);
}

}  // namespace omm::core

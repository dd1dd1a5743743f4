// fuzz_keys: the object-key canonicaliser (core/object_key.h) and the object_list continuation
// token codec (core/list_token.h), both fed bytes a client controls.
//
// Checked beyond "no crash":
//  - a key that check_object_key accepts is canonical: split at '/', no segment is empty, "." or
//    "..", none starts with ".omm-part-", and its first segment is no reserved folder; it is
//    valid UTF-8 without control characters and at most 1023 bytes;
//  - a key it refuses names the field in its message and carries the field's id;
//  - any bytes encode to a printable-ASCII token that decodes back to the same bytes on the
//    same backend and is refused on the other one; decoding arbitrary input never crashes and
//    either refuses with the field's id or yields something.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/field_checks.h"
#include "core/list_token.h"
#include "core/object_key.h"

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_keys: %s\n", what);
  std::abort();
}

void check_key(std::string_view key) {
  const omm::core::ErrorScope scope("image_process", "output");
  omm::Status s = omm::core::check_object_key(key, scope, "target_key");
  if (!s) {
    check(s.id() == "invalid_argument.image_process.output.target_key", "refusal id");
    check(s.message().find("target_key") != std::string::npos, "refusal names the field");
    return;
  }
  check(!key.empty() && key.size() <= omm::core::kMaxKeyBytes, "length");
  check(omm::core::is_valid_utf8(key) && !omm::core::has_control_chars(key), "text");
  check(key.front() != '/' && key.front() != '\\', "leading separator");
  check(!omm::core::is_reserved_key(key), "reserved key accepted");
  std::size_t start = 0;
  bool first = true;
  for (;;) {
    std::size_t end = key.find('/', start);
    std::string_view seg =
        key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    check(!seg.empty() && seg != "." && seg != "..", "non-canonical segment accepted");
    check(seg.substr(0, omm::core::kPartPrefix.size()) != omm::core::kPartPrefix,
          "temporary name accepted");
    if (first) check(seg != ".jobs" && seg != ".tmp" && seg != ".oss-media-mcp", "reserved top");
    first = false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void check_token(std::string_view bytes) {
  using omm::core::ListBackend;
  for (ListBackend b : {ListBackend::kLocal, ListBackend::kOss}) {
    std::string token = omm::core::encode_list_token(b, bytes);
    for (char c : token) check(c > 0x20 && c < 0x7f, "token is printable ASCII");
    auto back = omm::core::decode_list_token(b, token);
    if (bytes.empty()) {
      check(!back.ok(), "an empty position is no token");
    } else if (token.size() <= omm::core::kMaxListTokenBytes) {
      check(back.ok() && *back == bytes, "round trip");
    }
    ListBackend other = b == ListBackend::kLocal ? ListBackend::kOss : ListBackend::kLocal;
    check(!omm::core::decode_list_token(other, token).ok(), "a token of the other backend");
  }
  for (ListBackend b : {ListBackend::kLocal, ListBackend::kOss}) {
    auto r = omm::core::decode_list_token(b, bytes);
    if (!r.ok()) {
      check(r.status().id() == "invalid_argument.object_list.continuation_token", "token id");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check_key(in);
  check_token(in);
  return 0;
}

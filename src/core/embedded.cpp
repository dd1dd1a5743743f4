#include "core/embedded.h"

namespace omm::embedded {

std::optional<std::string_view> find(std::span<const File> files, std::string_view path) {
  for (const File& f : files) {
    if (f.path == path) return f.content;
  }
  return std::nullopt;
}

}  // namespace omm::embedded

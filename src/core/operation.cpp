#include "core/operation.h"

#include <algorithm>

namespace omm::core {

std::string Param::plain() const { return is_int() ? std::to_string(as_int()) : as_text(); }

std::string_view to_string(Position p) { return p == Position::kPre ? "pre" : "sur"; }

const Param* Operation::find(std::string_view name) const {
  for (const Param& p : params) {
    if (p.name() == name) return &p;
  }
  return nullptr;
}

void Operation::erase(std::string_view name) {
  params.erase(std::remove_if(params.begin(), params.end(),
                              [&](const Param& p) { return p.name() == name; }),
               params.end());
}

}  // namespace omm::core

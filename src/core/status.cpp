#include "core/status.h"

namespace omm {

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return "[" + id_ + "] " + message_;
}

}  // namespace omm

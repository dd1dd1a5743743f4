#include "oss/credentials.h"

namespace omm::oss {

Status check_credentials(const Credentials& c) {
  if (c.access_key_id.empty()) {
    return Status::error("oss.sign.credentials", "access_key_id is empty");
  }
  if (c.access_key_secret.empty()) {
    return Status::error("oss.sign.credentials", "access_key_secret is empty");
  }
  return Status::ok();
}

}  // namespace omm::oss

// Status and Result<T>: the one error type of the project.
//
// A Status is either ok or carries a stable id (dot-separated, e.g. "invalid_argument.resize.w",
// "object.NoSuchKey", "engine.limit.pixels") and a human message. `to_string()` renders the form
// agents see: "[invalid_argument.resize.w] w must be 1..16384, got 0". Values are immutable and
// cheap to copy; safe to share between threads.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace omm {

class Status {
 public:
  Status() = default;  // ok

  static Status ok() { return Status(); }
  static Status error(std::string id, std::string message) {
    return Status(std::move(id), std::move(message));
  }

  bool is_ok() const { return id_.empty(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& id() const { return id_; }
  const std::string& message() const { return message_; }
  // "[id] message", or "ok".
  std::string to_string() const;

 private:
  Status(std::string id, std::string message) : id_(std::move(id)), message_(std::move(message)) {}
  std::string id_;
  std::string message_;
};

// Either a value or a non-ok Status.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be ok
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace omm

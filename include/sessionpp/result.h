#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sessionpp {

// Why a library call failed. "Not found" is never an error: lookups return an empty optional.
enum class Errc {
  kUnavailable = 1,  // the store cannot be reached (connection refused, reset, server down)
  kTimeout,          // the store did not answer within the configured timeout
  kGone,             // the session no longer exists (logged out, revoked, expired): not recreated
  kConflict,         // a concurrent change won and the operation could not be applied
  kCorrupt,          // stored data could not be decoded
  kInvalidArgument,  // the caller passed a value that breaks a documented rule; message names it
  kReadOnly,         // the store refuses writes (read-only database, missing grants)
  kInternal,         // a bug or an unexpected state inside sessionpp
};

// A short, stable name for `code`: "unavailable", "timeout", "gone", ...
std::string_view to_string(Errc code) noexcept;

// True for failures that go away by themselves (kUnavailable, kTimeout): HTTP maps them to 503.
constexpr bool is_transient(Errc code) noexcept {
  return code == Errc::kUnavailable || code == Errc::kTimeout;
}

struct Error {
  Errc code = Errc::kInternal;
  std::string message;  // says what failed and which setting or value is at fault; no secrets

  // "<code>: <message>"
  std::string to_string() const;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Thrown by Result::value() on a failed result: that is a programmer error, not an expected one.
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& e) : std::logic_error(e.to_string()), error_(e) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

// The value of a call that can fail in an expected way: a T or an Error. Shaped like
// std::expected (which g++ 12 lacks in C++20). Implicitly constructible from T and from Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : v_(value) {}          // NOLINT(google-explicit-constructor)
  Result(T&& value) : v_(std::move(value)) {}    // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error>) Result(U&& value)
      : v_(std::in_place_index<0>, T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // REQUIRES: ok(); otherwise throws BadResultAccess.
  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {
    if (error_) throw BadResultAccess(*error_);
  }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

}  // namespace sessionpp

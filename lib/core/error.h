#pragma once
// Errors for environmental and user failures (style rule 8a): returned, never thrown across a
// library boundary. Broken invariants use DEPLOYBENCH_CHECK (check.h) instead.
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace deploybench {

enum class ErrorCode {
  InvalidArgument,   // bad user input (flags, a value in a file)
  InvalidScenario,   // a scenario file failed to load or validate
  NotFound,          // a file, binary or endpoint does not exist
  Io,                // reading or writing failed
  Timeout,           // something did not become ready in time
  Unavailable,       // a tool or target kind cannot work on this machine
  Failed,            // anything else: the operation ran and failed
};

struct Error {
  ErrorCode code = ErrorCode::Failed;
  std::string message;  // what went wrong, naming its cause (file, field, value)
  std::string hint;     // what the user can do about it; may be empty
};

/// One problem found by a validate() pass. Validation reports all of them at once.
struct Diagnostic {
  std::string path;     // e.g. "targets.vm.memory"
  std::string message;  // e.g. "must be at least 64m"
  std::string hint;     // e.g. "did you mean 'memory'?"
  std::string file;     // source file, empty when not from a file
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
};

/// Either a value or an Error. A small stand-in for std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
/// Result of an operation that returns nothing on success.
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message, std::string hint = {}) {
  return Error{code, std::move(message), std::move(hint)};
}

}  // namespace deploybench

#pragma once
// DEPLOYBENCH_CHECK(cond) << "context": aborts with file:line when an invariant is broken
// (style rule 8c). Not for user input: that gets a Result/Error.
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace deploybench::detail {
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* expr) {
    stream_ << file << ":" << line << ": check failed: " << expr << " ";
  }
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;
  [[noreturn]] ~CheckFailure() {
    std::fprintf(stderr, "%s\n", stream_.str().c_str());
    std::abort();
  }
  template <typename T>
  CheckFailure& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }

 private:
  std::ostringstream stream_;
};
}  // namespace deploybench::detail

#define DEPLOYBENCH_CHECK(cond) \
  if (cond) {                   \
  } else                        \
    ::deploybench::detail::CheckFailure(__FILE__, __LINE__, #cond)

#pragma once
// Writes to stdout/stderr while `run` or `probe` has targets or load running. They never throw
// (fmt::print throws when a write fails): a closed pipe (EPIPE; SIGPIPE is ignored) stops the
// command like Ctrl-C instead, so its targets are torn down first (runner/interrupt.h).
#include <cerrno>
#include <cstdio>
#include <string_view>

#include "runner/interrupt.h"

namespace deploybench::cli {

inline void emit(std::FILE* f, std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0) return;
  if (errno == EPIPE) runner::InterruptGuard::output_broken();
  std::clearerr(f);
}

}  // namespace deploybench::cli

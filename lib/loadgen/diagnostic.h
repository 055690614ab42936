#pragma once
// Builds a Diagnostic without a source location (config structs do not know their file).
#include <string>

#include "core/error.h"

namespace deploybench::loadgen {

inline Diagnostic diag(std::string path, std::string message, std::string hint = {}) {
  Diagnostic d;
  d.path = std::move(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

}  // namespace deploybench::loadgen

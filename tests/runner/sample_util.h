#pragma once
#include <cstdint>

#include "target/target.h"

namespace deploybench::testing {
/// A resource sample with just the host-side figures set.
inline target::ResourceSample sample(double cpu_seconds, std::uint64_t rss_bytes) {
  target::ResourceSample s;
  s.cpu_seconds = cpu_seconds;
  s.rss_bytes = rss_bytes;
  return s;
}
}  // namespace deploybench::testing

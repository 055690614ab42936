#pragma once
// Values written back in the units a scenario file accepts (for settings and range messages).
#include <cstdint>
#include <string>

#include "core/units.h"

namespace deploybench::scenario::detail {

/// "5s", "250ms", "90s": exact and parseable by parse_duration (no rounding).
std::string compact_duration(Nanos d);
/// "512m", "2g", "1000": exact and parseable by parse_bytes.
std::string compact_bytes(std::uint64_t bytes);

}  // namespace deploybench::scenario::detail

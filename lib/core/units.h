#pragma once
// Time is a type (style rule 3): std::chrono inside, converted only at the output edge.
// Parsers for the units users write in scenario files and flags.
//
// duration := number unit        unit := "ns" | "us" | "ms" | "s" | "m" | "h"   e.g. "250ms", "1.5s"
// bytes    := number [unit]      unit := "k" | "m" | "g" | "t" (powers of 1024, optional "i"/"b")
// rate     := number "/s" | number "/m"                                         e.g. "8/s"
// percent  := number "%"  |  number (a fraction in [0, 1])                      e.g. "1%", "0.01"
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace deploybench {

using Nanos = std::chrono::nanoseconds;
using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

/// Milliseconds as a double, for output only.
inline double to_millis(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }
inline double to_seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }
inline Nanos from_seconds(double s) { return std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(s)); }
inline Nanos from_millis(double ms) { return from_seconds(ms / 1000.0); }

/// "250ms" -> 250'000'000ns. A bare number is rejected: the unit is required.
Result<Nanos> parse_duration(std::string_view text);
/// "512m" -> 536870912. A bare number means bytes.
Result<std::uint64_t> parse_bytes(std::string_view text);
/// "8/s" -> 8.0 requests per second; "120/m" -> 2.0. A bare number means per second.
Result<double> parse_rate(std::string_view text);
/// "1%" -> 0.01; "0.5" -> 0.5 (a bare number must lie in [0, 1]).
Result<double> parse_fraction(std::string_view text);

/// Human-readable with a unit: "812us", "12.3ms", "4.20s".
std::string format_duration(Nanos d);
/// "512.0 MiB", "1.50 GiB".
std::string format_bytes(std::uint64_t bytes);

}  // namespace deploybench

#include "core/units.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace deploybench {
namespace {

struct NumberAndSuffix {
  double number = 0;
  std::string_view suffix;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<NumberAndSuffix> split_number(std::string_view text, std::string_view what) {
  std::string_view s = trim(text);
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                          (i == 0 && (s[i] == '-' || s[i] == '+'))))
    ++i;
  NumberAndSuffix out;
  if (i == 0) {
    return make_error(ErrorCode::InvalidArgument, fmt::format("'{}' is not a {}: it must start with a number", text, what));
  }
  // std::from_chars for double is available in GCC 11+.
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(first, s.data() + i, out.number);
  if (ec != std::errc{} || ptr != s.data() + i || !std::isfinite(out.number)) {
    return make_error(ErrorCode::InvalidArgument, fmt::format("'{}' is not a {}: bad number", text, what));
  }
  out.suffix = trim(s.substr(i));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Nanos> parse_duration(std::string_view text) {
  auto parsed = split_number(text, "duration");
  if (!parsed) return parsed.error();
  const std::string unit = lower(parsed->suffix);
  double ns_per_unit = 0;
  if (unit == "ns") ns_per_unit = 1;
  else if (unit == "us" || unit == "µs") ns_per_unit = 1e3;
  else if (unit == "ms") ns_per_unit = 1e6;
  else if (unit == "s") ns_per_unit = 1e9;
  else if (unit == "m" || unit == "min") ns_per_unit = 60e9;
  else if (unit == "h") ns_per_unit = 3600e9;
  else if (unit.empty())
    return make_error(ErrorCode::InvalidArgument, fmt::format("duration '{}' has no unit", text),
                      "write a unit, e.g. '30s', '250ms' or '2m'");
  else
    return make_error(ErrorCode::InvalidArgument, fmt::format("duration '{}' has an unknown unit '{}'", text, unit),
                      "use one of ns, us, ms, s, m, h");
  if (parsed->number < 0) return make_error(ErrorCode::InvalidArgument, fmt::format("duration '{}' is negative", text));
  const double ns = parsed->number * ns_per_unit;
  if (ns > 1e18) return make_error(ErrorCode::InvalidArgument, fmt::format("duration '{}' is too large", text));
  return Nanos{static_cast<std::int64_t>(std::llround(ns))};
}

Result<std::uint64_t> parse_bytes(std::string_view text) {
  auto parsed = split_number(text, "size");
  if (!parsed) return parsed.error();
  std::string unit = lower(parsed->suffix);
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double mult = 0;
  if (unit.empty()) mult = 1;
  else if (unit == "k") mult = 1024.0;
  else if (unit == "m") mult = 1024.0 * 1024;
  else if (unit == "g") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t") mult = 1024.0 * 1024 * 1024 * 1024;
  else
    return make_error(ErrorCode::InvalidArgument, fmt::format("size '{}' has an unknown unit '{}'", text, parsed->suffix),
                      "use k, m, g or t (powers of 1024), e.g. '512m' or '2g'");
  if (parsed->number < 0) return make_error(ErrorCode::InvalidArgument, fmt::format("size '{}' is negative", text));
  const double bytes = parsed->number * mult;
  if (bytes > 1.8e19) return make_error(ErrorCode::InvalidArgument, fmt::format("size '{}' is too large", text));
  return static_cast<std::uint64_t>(std::llround(bytes));
}

Result<double> parse_rate(std::string_view text) {
  auto parsed = split_number(text, "rate");
  if (!parsed) return parsed.error();
  const std::string unit = lower(parsed->suffix);
  double per_s = 0;
  if (unit.empty() || unit == "/s" || unit == "rps") per_s = parsed->number;
  else if (unit == "/m" || unit == "/min") per_s = parsed->number / 60.0;
  else
    return make_error(ErrorCode::InvalidArgument, fmt::format("rate '{}' has an unknown unit '{}'", text, parsed->suffix),
                      "write requests per second as '8/s' or per minute as '120/m'");
  if (per_s <= 0) return make_error(ErrorCode::InvalidArgument, fmt::format("rate '{}' must be positive", text));
  return per_s;
}

Result<double> parse_fraction(std::string_view text) {
  auto parsed = split_number(text, "fraction");
  if (!parsed) return parsed.error();
  double v = parsed->number;
  if (parsed->suffix == "%") v /= 100.0;
  else if (!parsed->suffix.empty())
    return make_error(ErrorCode::InvalidArgument, fmt::format("'{}' is not a fraction", text), "write '1%' or '0.01'");
  if (v < 0 || v > 1)
    return make_error(ErrorCode::InvalidArgument, fmt::format("'{}' is outside 0%..100%", text));
  return v;
}

std::string format_duration(Nanos d) {
  const double ns = static_cast<double>(d.count());
  const double a = std::fabs(ns);
  if (a < 1e3) return fmt::format("{:.0f}ns", ns);
  if (a < 1e6) return fmt::format("{:.0f}us", ns / 1e3);
  if (a < 1e9) return fmt::format("{:.1f}ms", ns / 1e6);
  return fmt::format("{:.2f}s", ns / 1e9);
}

std::string format_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b < 1024) return fmt::format("{} B", bytes);
  if (b < 1024.0 * 1024) return fmt::format("{:.1f} KiB", b / 1024);
  if (b < 1024.0 * 1024 * 1024) return fmt::format("{:.1f} MiB", b / 1024 / 1024);
  return fmt::format("{:.2f} GiB", b / 1024 / 1024 / 1024);
}

}  // namespace deploybench

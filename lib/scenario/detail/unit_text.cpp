#include "scenario/detail/unit_text.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace deploybench::scenario::detail {

std::string compact_duration(Nanos d) {
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  static constexpr std::array<Unit, 5> kUnits = {
      {{3600'000'000'000, "h"}, {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}}};
  if (d.count() == 0) return "0s";
  for (const auto& u : kUnits) {
    if (d.count() % u.ns == 0) return fmt::format("{}{}", d.count() / u.ns, u.name);
  }
  return fmt::format("{}ns", d.count());
}

std::string compact_bytes(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 3> kUnits = {
      {{1ull << 30, "g"}, {1ull << 20, "m"}, {1ull << 10, "k"}}};
  for (const auto& [size, name] : kUnits) {
    if (bytes != 0 && bytes % size == 0) return fmt::format("{}{}", bytes / size, name);
  }
  return std::to_string(bytes);
}

}  // namespace deploybench::scenario::detail

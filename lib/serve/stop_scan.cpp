#include "serve/stop_scan.h"

#include <algorithm>

namespace deploybench::serve {

StopScan scan_stops(std::string_view pending, const std::vector<std::string>& stops) {
  std::size_t first = std::string_view::npos;  // earliest start of a complete stop sequence
  std::size_t longest = 0;
  for (const auto& s : stops) {
    first = std::min(first, pending.find(s));
    longest = std::max(longest, s.size());
  }
  if (first != std::string_view::npos) return {first, true};
  // Only the last longest-1 bytes can be the unfinished start of a stop sequence.
  const std::size_t n = pending.size();
  for (std::size_t i = n - std::min(n, longest > 0 ? longest - 1 : 0); i < n; ++i) {
    const std::string_view suffix = pending.substr(i);
    for (const auto& s : stops)
      if (std::string_view(s).starts_with(suffix)) return {i, false};
  }
  return {n, false};
}

}  // namespace deploybench::serve

#include "engine/isa_choice.h"

#include <fmt/format.h>

#include <array>
#include <utility>
#include <vector>

#include "core/text.h"

namespace deploybench::engine {
namespace {

constexpr std::array<std::pair<std::string_view, Isa>, 4> kNames{{
    {"portable", Isa::Portable},
    {"avx2", Isa::Avx2},
    {"avx512", Isa::Avx512Vnni},
    {"avx512-vnni", Isa::Avx512Vnni},
}};

// The paths form a ladder (portable < avx2 < avx512-vnni): a CPU that runs one runs those below.
bool supported(Isa isa, Isa best) { return static_cast<int>(isa) <= static_cast<int>(best); }

}  // namespace

std::string isa_names() { return "auto, portable, avx2, avx512"; }

Result<Isa> choose_isa(std::string_view name) {
  const Isa best = detect_isa();
  if (name == "auto") return best;
  for (const auto& [spelling, isa] : kNames) {
    if (name != spelling) continue;
    if (!supported(isa, best))
      return make_error(ErrorCode::InvalidArgument,
                        fmt::format("kernel path '{}' needs CPU features this CPU lacks (its best path is {})", name,
                                    to_string(best)),
                        fmt::format("use auto, or a path up to {}", to_string(best)));
    return isa;
  }
  std::vector<std::string> names{"auto"};
  for (const auto& entry : kNames) names.emplace_back(entry.first);
  const auto guess = closest_match(name, names);
  return make_error(ErrorCode::InvalidArgument, fmt::format("unknown kernel path '{}'", name),
                    guess ? fmt::format("did you mean '{}'? (one of {})", *guess, isa_names())
                          : fmt::format("use one of {}", isa_names()));
}

}  // namespace deploybench::engine

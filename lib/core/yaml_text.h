#pragma once
// Checks on YAML text before it reaches yaml-cpp, which loops allocating memory on some malformed
// input (jbeder/yaml-cpp#499, #1040: a flow collection left open). Text only: no YAML dependency.
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace deploybench {

/// Offset of the innermost '[' or '{' that opens a flow collection and is never closed (outside
/// quotes, comments and block scalars; a bracket inside a plain scalar opens nothing), or the one
/// a bracket of the other kind tries to close ("[1, 4}").
std::optional<std::size_t> unclosed_flow(std::string_view text);

/// 1-based line and column of byte `offset` in `text` (column counts bytes).
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

}  // namespace deploybench

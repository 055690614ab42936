#pragma once
// Checks on the raw text before it reaches the YAML parser, so that the problems a parser
// reports poorly (binary garbage, tabs in indentation, an empty file) get a precise message.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace deploybench::scenario::detail {

/// Returns one diagnostic per problem; empty when the text may be handed to the parser.
std::vector<Diagnostic> check_source(std::string_view text, const std::string& file);

/// The diagnostic for a file of `size` bytes above kMaxScenarioBytes.
Diagnostic too_large(std::uint64_t size, const std::string& file);

/// Offset of the innermost '[' or '{' that opens a flow collection and is never closed (outside
/// quotes, comments and block scalars; a bracket inside a plain scalar opens nothing).
std::optional<std::size_t> unclosed_flow(std::string_view text);
/// "this '{' is never closed" at the bracket that opened it.
Diagnostic unclosed_flow_diagnostic(std::string_view text, std::size_t opened, const std::string& file);

/// 1-based line and column of byte `offset` in `text` (column counts bytes).
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

}  // namespace deploybench::scenario::detail

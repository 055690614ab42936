#pragma once
// Checks on the raw text before it reaches the YAML parser, so that the problems a parser
// reports poorly (binary garbage, tabs in indentation, an empty file) get a precise message.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml_text.h"

namespace deploybench::scenario::detail {

/// Returns one diagnostic per problem; empty when the text may be handed to the parser.
std::vector<Diagnostic> check_source(std::string_view text, const std::string& file);

/// The diagnostic for a file of `size` bytes above kMaxScenarioBytes.
Diagnostic too_large(std::uint64_t size, const std::string& file);

/// "this '{' is never closed" at the bracket that opened it.
Diagnostic unclosed_flow_diagnostic(std::string_view text, std::size_t opened, const std::string& file);

}  // namespace deploybench::scenario::detail

#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deploybench {

/// Levenshtein distance (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The closest candidate within a small distance (at most 1/3 of the word's length, min 2),
/// for "did you mean" hints; nullopt when nothing is close.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);
/// "deploybench: unknown command 'valdate' (did you mean 'validate'?); see deploybench --help" when
/// the first argument `word` names none of a program's `commands` and is not an option; nullopt
/// otherwise. For mains whose argument parser only says "A subcommand is required".
std::optional<std::string> unknown_command(std::string_view program, std::string_view word,
                                           std::span<const std::string> commands);
/// Splits on a single character; keeps empty fields.
std::vector<std::string> split(std::string_view text, char sep);
/// Joins with a separator.
std::string join(std::span<const std::string> parts, std::string_view sep);
/// Lowercase hex of bytes.
std::string to_hex(std::span<const unsigned char> bytes);

}  // namespace deploybench

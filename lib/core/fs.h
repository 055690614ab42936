#pragma once
// File helpers. Results are never half-written (style rule 9): write to a temporary file in the
// same directory, fsync, then rename over the destination.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace deploybench {

/// Atomically replaces `path` with `content`. Creates parent directories.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content);
/// Reads a whole file; errors name the path. Refuses files larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 64u << 20);

}  // namespace deploybench

#pragma once
// A read-only memory map of a whole file, shared by the weight views that point
// into it.
#include <cstddef>
#include <filesystem>
#include <memory>

#include "core/error.h"

namespace deploybench::engine {

struct MappedFile {
  const std::byte* data = nullptr;
  std::size_t size = 0;
  std::shared_ptr<const void> owner;  // unmaps when the last view is gone
};

Result<MappedFile> map_file(const std::filesystem::path& path);

}  // namespace deploybench::engine

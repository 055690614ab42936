#pragma once
// Memory for weights and other large streamed buffers: 2 MiB-aligned anonymous mappings advised
// for transparent huge pages, so streaming a matrix is not cut into 4 KiB pages (the hardware
// prefetcher stops at page boundaries, and TLB misses add up). Bump-allocated from chunks.
#include <cstddef>
#include <memory>
#include <vector>

namespace deploybench::engine {

class Arena {
 public:
  Arena() = default;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// `count` uninitialized values of T, 64-byte aligned, valid for the arena's lifetime.
  template <typename T>
  T* allocate(std::size_t count) {
    return static_cast<T*>(allocate_bytes(count * sizeof(T)));
  }

 private:
  void* allocate_bytes(std::size_t bytes);
  struct Chunk {
    std::byte* base;
    std::size_t size;
    std::size_t used;
  };
  std::vector<Chunk> chunks_;
};

/// One huge-page-advised mapping of `bytes` (rounded up to 2 MiB), unmapped on destruction.
std::shared_ptr<void> allocate_huge(std::size_t bytes);

/// The memory this process may use: physical RAM, or a lower cgroup limit (containers).
std::size_t memory_limit_bytes();

/// One anonymous mapping of `bytes` in base pages (faulted in, zeroed, 4 KiB at a time as it is
/// touched), unmapped on destruction: for large buffers used sparsely, such as the KV cache.
std::shared_ptr<void> allocate_lazy(std::size_t bytes);

}  // namespace deploybench::engine

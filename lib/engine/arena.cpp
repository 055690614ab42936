#include "engine/arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <fstream>
#include <new>

namespace deploybench::engine {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kChunk = std::size_t{64} << 20;

std::byte* map_huge(std::size_t bytes) {
  // Over-map by one huge page to align the start; the unaligned head and tail are returned.
  void* p = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto* raw = static_cast<std::byte*>(p);
  const auto addr = reinterpret_cast<std::uintptr_t>(raw);
  auto* aligned = reinterpret_cast<std::byte*>((addr + kHugePage - 1) & ~(kHugePage - 1));
  if (aligned > raw) ::munmap(raw, static_cast<std::size_t>(aligned - raw));
  const std::size_t tail = (raw + bytes + kHugePage) - (aligned + bytes);
  if (tail > 0) ::munmap(aligned + bytes, tail);
  ::madvise(aligned, bytes, MADV_HUGEPAGE);  // advice only: without THP this is plain memory
  return aligned;
}

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

Arena::~Arena() {
  for (const Chunk& c : chunks_) ::munmap(c.base, c.size);
}

void* Arena::allocate_bytes(std::size_t bytes) {
  bytes = round_up(bytes == 0 ? 1 : bytes, 64);
  if (chunks_.empty() || chunks_.back().size - chunks_.back().used < bytes) {
    const std::size_t size = round_up(std::max(bytes, kChunk), kHugePage);
    chunks_.push_back(Chunk{map_huge(size), size, 0});
  }
  Chunk& c = chunks_.back();
  void* p = c.base + c.used;
  c.used += bytes;
  return p;
}

std::size_t memory_limit_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  std::size_t limit = pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : 0;
  // cgroup v2, then v1; "max" or a huge v1 value means no limit.
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    unsigned long long value = 0;
    if (in >> value && value > 0 && (limit == 0 || value < limit)) limit = static_cast<std::size_t>(value);
  }
  return limit;
}

std::shared_ptr<void> allocate_lazy(std::size_t bytes) {
  const std::size_t size = round_up(bytes == 0 ? 1 : bytes, 4096);
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, size, MADV_NOHUGEPAGE);  // with THP "always", a sequence's first token would fault in MiBs
  return std::shared_ptr<void>(p, [size](void* q) { ::munmap(q, size); });
}

std::shared_ptr<void> allocate_huge(std::size_t bytes) {
  const std::size_t size = round_up(bytes == 0 ? 1 : bytes, kHugePage);
  std::byte* p = map_huge(size);
  return std::shared_ptr<void>(p, [size](void* q) { ::munmap(q, size); });
}

}  // namespace deploybench::engine

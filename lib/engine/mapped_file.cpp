#include "engine/mapped_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace deploybench::engine {

Result<MappedFile> map_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                      fmt::format("{}: cannot open: {}", path.string(), std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(ErrorCode::Io, fmt::format("{}: not a regular file", path.string()));
  }
  MappedFile file;
  file.size = static_cast<std::size_t>(st.st_size);
  if (file.size == 0) {
    ::close(fd);
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: file is empty", path.string()));
  }
  void* p = ::mmap(nullptr, file.size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED)
    return make_error(ErrorCode::Io, fmt::format("{}: cannot map: {}", path.string(), std::strerror(err)));
  const std::size_t size = file.size;
  file.data = static_cast<const std::byte*>(p);
  file.owner = std::shared_ptr<const void>(p, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
  return file;
}

}  // namespace deploybench::engine

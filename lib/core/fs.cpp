#include "core/fs.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace deploybench {

Status write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return make_error(ErrorCode::Io, fmt::format("cannot create directory {}: {}", path.parent_path().string(), ec.message()));
  const std::string tmp = path.string() + fmt::format(".tmp.{}", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::Io, fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  std::size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(ErrorCode::Io, fmt::format("cannot write {}: {}", tmp, std::strerror(err)));
    }
    off += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::Io, fmt::format("cannot rename {} to {}: {}", tmp, path.string(), std::strerror(err)));
  }
  return Ok{};
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return make_error(ErrorCode::NotFound, fmt::format("{}: no such file", path.string()));
  if (std::filesystem::is_directory(path, ec))
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: is a directory, not a file", path.string()));
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: file is {} bytes, larger than the limit of {} bytes", path.string(), size, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::Io, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace deploybench

#pragma once
// SHA-256 (FIPS 180-4), for scenario hashes and binary identities recorded in results.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace deploybench {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  /// Finishes and returns the digest; the object must not be updated afterwards.
  std::array<unsigned char, 32> finish();

 private:
  void block(const unsigned char* p);
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

/// Lowercase hex digest of a string.
std::string sha256_hex(std::string_view data);
/// Lowercase hex digest of a file's contents; errors name the path.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace deploybench

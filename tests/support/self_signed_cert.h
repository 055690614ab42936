#pragma once
// A self-signed certificate for 127.0.0.1 made at test time with the openssl command (EC P-256:
// generated in milliseconds; scripts/setup.sh installs openssl), removed with its directory when
// the object goes. `generated` is false when openssl failed: tests REQUIRE it.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace deploybench::testing {

struct SelfSignedCert {
  explicit SelfSignedCert(const std::string& tag = "tls") {
    dir = std::filesystem::temp_directory_path() / ("deploybench_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    cert = (dir / "cert.pem").string();
    key = (dir / "key.pem").string();
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key + "' -out '" + cert + "' >/dev/null 2>&1";
    generated = std::system(cmd.c_str()) == 0;
  }
  ~SelfSignedCert() { std::filesystem::remove_all(dir); }
  SelfSignedCert(const SelfSignedCert&) = delete;
  SelfSignedCert& operator=(const SelfSignedCert&) = delete;

  std::filesystem::path dir;
  std::string cert, key;
  bool generated = false;
};

}  // namespace deploybench::testing

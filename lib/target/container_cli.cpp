#include "target/container_cli.h"

#include <algorithm>
#include <cctype>

namespace deploybench::target {

std::vector<std::string> image_present_argv(const std::string& runtime, const std::string& image) {
  return {runtime, "image", "inspect", "--format", "{{.Id}}", image};
}

std::vector<std::string> container_remove_argv(const std::string& runtime, const std::string& name, int grace_s) {
  if (runtime == "docker") return {runtime, "rm", "-f", name};
  return {runtime, "rm", "-f", "-t", std::to_string(grace_s), name};
}

std::vector<std::string> runtime_version_argv(const std::string& runtime) {
  if (runtime == "docker") {
    return {runtime, "version", "--format", "Docker server {{.Server.Version}}, client {{.Client.Version}}"};
  }
  return {runtime, "--version"};
}

bool says_no_such_container(const std::string& output) {
  std::string lower(output.size(), ' ');
  std::transform(output.begin(), output.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower.find("no such container") != std::string::npos;
}

}  // namespace deploybench::target

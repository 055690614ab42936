#pragma once
// The environment seam for ${VAR} interpolation: tests pass a map, apps pass the process env.
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace deploybench::scenario {

class Environment {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string& name)>;
  explicit Environment(Lookup lookup) : lookup_(std::move(lookup)) {}
  /// Reads the process environment (getenv) at lookup time.
  static Environment process();
  /// A fixed set of variables; everything else is unset.
  static Environment from_map(std::map<std::string, std::string> vars);
  std::optional<std::string> get(const std::string& name) const { return lookup_(name); }

 private:
  Lookup lookup_;
};

}  // namespace deploybench::scenario

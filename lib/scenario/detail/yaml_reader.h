#pragma once
// Strict, diagnostic-collecting access to a yaml-cpp tree. Every read either yields a typed
// value or records a Diagnostic (file:line:column, dotted path, message, hint) and yields
// nullopt, so one pass reports every problem. Scalars are interpolated (${VAR}) when read.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "scenario/environment.h"
#include "scenario/threshold_check.h"

namespace deploybench::scenario::detail {

/// Where a value sits in the file (1-based), for diagnostics raised after reading.
struct Where {
  std::string path;
  int line = 0, column = 0;
};

class Reader {
 public:
  Reader(std::string file, const Environment& env, ThresholdCheck check = light_threshold_check)
      : file_(std::move(file)), env_(env), check_threshold_(std::move(check)) {}

  void error(const Where& where, std::string message, std::string hint);
  /// A problem that does not stop the plan (e.g. prompts that may not fit a model's context).
  void warn(const Where& where, std::string message, std::string hint);
  Status check_threshold(std::string_view expression) const { return check_threshold_(expression); }
  Where where(const YAML::Node& node, std::string path) const;
  /// The scalar's text after interpolation; reports non-scalars and interpolation errors.
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path);

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  std::vector<Diagnostic>& warnings() { return warnings_; }
  /// Values that came from secret-looking environment variables (masked in settings).
  std::vector<std::string>& secrets() { return secrets_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const Environment& env_;
  ThresholdCheck check_threshold_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<Diagnostic> warnings_;
  std::vector<std::string> secrets_;
};

/// One key of a mapping: its name, dotted path and value node (null for "key:" with no value).
struct Field {
  std::string key;
  std::string path;
  YAML::Node node;
  Where where;  // of the value, or of the key when the value is empty
};

/// A mapping read strictly: reports a non-mapping, duplicate keys and (when `allowed` is not
/// empty) unknown keys with a "did you mean" hint. `what` names the mapping in messages
/// ("a local target").
class MapView {
 public:
  MapView(Reader& reader, const YAML::Node& node, std::string path, std::vector<std::string> allowed,
          std::string_view what);
  const Field* get(std::string_view key) const;
  const std::vector<Field>& fields() const { return fields_; }
  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<Field> fields_;
  struct Slot {
    std::size_t position;  // in fields_
    int key_line;
  };
  std::unordered_map<std::string, Slot> index_;
  bool is_map_ = false;
};

/// Text for "a mapping", "a list", "'text'" in type errors.
std::string describe(const YAML::Node& node);

std::optional<std::string> read_string(Reader& r, const Field& f);
std::optional<std::int64_t> read_int(Reader& r, const Field& f, std::int64_t lo, std::int64_t hi);
std::optional<double> read_number(Reader& r, const Field& f, double lo, double hi);
std::optional<bool> read_bool(Reader& r, const Field& f);
std::optional<Nanos> read_duration(Reader& r, const Field& f, Nanos lo, Nanos hi);
std::optional<std::uint64_t> read_bytes(Reader& r, const Field& f, std::uint64_t lo, std::uint64_t hi);
std::optional<double> read_rate(Reader& r, const Field& f, double lo, double hi);
std::optional<double> read_fraction(Reader& r, const Field& f);
/// One of `choices`, with a "did you mean" hint otherwise.
std::optional<std::string> read_choice(Reader& r, const Field& f, const std::vector<std::string>& choices);
/// A list of scalars (a single scalar counts as a one-item list); items are Fields "path[i]".
std::optional<std::vector<Field>> read_items(Reader& r, const Field& f);

}  // namespace deploybench::scenario::detail

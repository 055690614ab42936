#include "scenario/detail/yaml_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/text.h"
#include "scenario/detail/interpolate.h"
#include "scenario/detail/unit_text.h"

namespace deploybench::scenario::detail {

void Reader::error(const Where& where, std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{where.path, std::move(message), std::move(hint), file_, where.line, where.column});
}

void Reader::warn(const Where& where, std::string message, std::string hint) {
  warnings_.push_back(Diagnostic{where.path, std::move(message), std::move(hint), file_, where.line, where.column});
}

Where Reader::where(const YAML::Node& node, std::string path) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return Where{std::move(path), 0, 0};
  return Where{std::move(path), mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", node.Scalar());
    default:
      return "nothing";
  }
}

std::optional<std::string> Reader::scalar(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    error(where(node, path), fmt::format("expected a value, got {}", describe(node)),
          "write a single value here (quote it if it contains ':' or '#')");
    return std::nullopt;
  }
  auto expanded = interpolate(node.Scalar(), env_);
  if (!expanded) {
    error(where(node, path), expanded.error().message, expanded.error().hint);
    return std::nullopt;
  }
  if (expanded->secret && !expanded->value.empty()) secrets_.push_back(expanded->value);
  return std::move(expanded->value);
}

MapView::MapView(Reader& reader, const YAML::Node& node, std::string path, std::vector<std::string> allowed,
                 std::string_view what)
    : path_(std::move(path)) {
  const std::string prefix = path_.empty() ? "" : path_ + ".";
  if (!node.IsMap()) {
    if (node.IsDefined() && !node.IsNull()) {
      reader.error(reader.where(node, path_),
                   fmt::format("{} must be a mapping (key: value), got {}", what, describe(node)),
                   "write one 'key: value' per line, indented under its parent");
    }
    return;
  }
  is_map_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) {
      reader.error(reader.where(key_node, path_), "keys must be plain names", "e.g. memory: 512m");
      continue;
    }
    const std::string key = key_node.Scalar();
    const Where key_where = reader.where(key_node, prefix + key);
    if (auto seen = index_.find(key); seen != index_.end()) {
      reader.error(key_where, fmt::format("duplicate key '{}'", key),
                   fmt::format("'{}' is already set on line {}; keep one", key, seen->second.key_line));
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      auto close = closest_match(key, allowed);
      reader.error(
          key_where, fmt::format("unknown key '{}' in {}", key, what),
          close ? fmt::format("did you mean '{}'?", *close) : fmt::format("allowed keys: {}", join(allowed, ", ")));
      continue;
    }
    const YAML::Node value = it->second;
    Where value_where = value.IsNull() ? key_where : reader.where(value, prefix + key);
    value_where.path = prefix + key;
    index_.emplace(key, Slot{fields_.size(), key_where.line});
    fields_.push_back(Field{key, prefix + key, value, value_where});
  }
}

const Field* MapView::get(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &fields_[it->second.position];
}

namespace {

std::optional<std::string> text_of(Reader& r, const Field& f) {
  if (f.node.IsNull() || !f.node.IsDefined()) {
    r.error(f.where, fmt::format("'{}' has no value", f.key), "give it a value or remove the key");
    return std::nullopt;
  }
  if (!f.node.IsScalar()) {
    r.error(f.where, fmt::format("expected a value, got {}", describe(f.node)),
            "write a single value here (quote it if it contains ':' or '#')");
    return std::nullopt;
  }
  return r.scalar(f.node, f.path);
}

template <typename T>
std::optional<T> in_range(Reader& r, const Field& f, T value, T lo, T hi, const std::string& shown,
                          const std::string& lo_text, const std::string& hi_text) {
  if (value < lo || value > hi) {
    r.error(f.where, fmt::format("{} is out of range", shown),
            fmt::format("use a value from {} to {}", lo_text, hi_text));
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<std::string> read_string(Reader& r, const Field& f) { return text_of(r, f); }

std::optional<std::int64_t> read_int(Reader& r, const Field& f, std::int64_t lo, std::int64_t hi) {
  auto text = text_of(r, f);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc{} || ptr != end || text->empty()) {
    r.error(f.where, fmt::format("expected a whole number, got '{}'", *text),
            fmt::format("write a whole number from {} to {}", lo, hi));
    return std::nullopt;
  }
  return in_range<std::int64_t>(r, f, value, lo, hi, *text, std::to_string(lo), std::to_string(hi));
}

std::optional<double> read_number(Reader& r, const Field& f, double lo, double hi) {
  auto text = text_of(r, f);
  if (!text) return std::nullopt;
  double value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc{} || ptr != end || text->empty() || !std::isfinite(value)) {
    r.error(f.where, fmt::format("expected a number, got '{}'", *text),
            fmt::format("write a number from {:g} to {:g}", lo, hi));
    return std::nullopt;
  }
  return in_range(r, f, value, lo, hi, *text, fmt::format("{:g}", lo), fmt::format("{:g}", hi));
}

std::optional<bool> read_bool(Reader& r, const Field& f) {
  auto text = text_of(r, f);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  r.error(f.where, fmt::format("expected true or false, got '{}'", *text),
          "write true or false (not yes/no or on/off)");
  return std::nullopt;
}

namespace {

// Reads a scalar through one of core/units.h's parsers; `text` receives what the file says.
template <typename T>
std::optional<T> read_unit(Reader& r, const Field& f, Result<T> (*parse)(std::string_view), std::string& text) {
  auto raw = text_of(r, f);
  if (!raw) return std::nullopt;
  text = *raw;
  auto parsed = parse(text);
  if (!parsed) {
    r.error(f.where, parsed.error().message, parsed.error().hint);
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace

std::optional<Nanos> read_duration(Reader& r, const Field& f, Nanos lo, Nanos hi) {
  std::string text;
  auto v = read_unit(r, f, &parse_duration, text);
  if (!v) return std::nullopt;
  return in_range(r, f, *v, lo, hi, text, compact_duration(lo), compact_duration(hi));
}

std::optional<std::uint64_t> read_bytes(Reader& r, const Field& f, std::uint64_t lo, std::uint64_t hi) {
  std::string text;
  auto v = read_unit(r, f, &parse_bytes, text);
  if (!v) return std::nullopt;
  return in_range(r, f, *v, lo, hi, text, compact_bytes(lo), compact_bytes(hi));
}

std::optional<double> read_rate(Reader& r, const Field& f, double lo, double hi) {
  std::string text;
  auto v = read_unit(r, f, &parse_rate, text);
  if (!v) return std::nullopt;
  return in_range(r, f, *v, lo, hi, text, fmt::format("{:g}/s", lo), fmt::format("{:g}/s", hi));
}

std::optional<double> read_fraction(Reader& r, const Field& f) {
  std::string text;
  return read_unit(r, f, &parse_fraction, text);
}

std::optional<std::string> read_choice(Reader& r, const Field& f, const std::vector<std::string>& choices) {
  auto text = text_of(r, f);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  auto close = closest_match(*text, choices);
  r.error(f.where, fmt::format("'{}' is not one of: {}", *text, join(choices, ", ")),
          close ? fmt::format("did you mean '{}'?", *close) : "values are case-sensitive");
  return std::nullopt;
}

std::optional<std::vector<Field>> read_items(Reader& r, const Field& f) {
  std::vector<Field> items;
  if (f.node.IsScalar()) {
    items.push_back(f);
    return items;
  }
  if (!f.node.IsSequence()) {
    r.error(f.where, fmt::format("expected a value or a list of values, got {}", describe(f.node)),
            fmt::format("e.g. {}: [a, b]", f.key));
    return std::nullopt;
  }
  if (f.node.size() == 0) {
    r.error(f.where, fmt::format("'{}' is an empty list", f.key), "list at least one value, or remove the key");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < f.node.size(); ++i) {
    const YAML::Node item = f.node[i];
    const std::string path = fmt::format("{}[{}]", f.path, i);
    items.push_back(Field{f.key, path, item, r.where(item, path)});
  }
  return items;
}

}  // namespace deploybench::scenario::detail

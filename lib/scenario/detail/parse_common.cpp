#include <fmt/format.h>

#include <regex>

#include "scenario/detail/parse.h"

namespace deploybench::scenario::detail {

std::vector<Field> named_entries(Reader& reader, const Field& section, std::string_view what) {
  MapView view(reader, section.node, section.path, {}, fmt::format("'{}'", section.key));
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  std::vector<Field> out;
  for (const auto& f : view.fields()) {
    if (!std::regex_match(f.key, kName)) {
      reader.error(f.where, fmt::format("'{}' is not a valid {} name", f.key, what),
                   "use letters, digits, '-', '_' and '.', starting with a letter or digit (at most 64)");
      continue;
    }
    out.push_back(f);
  }
  if (view.is_map() && view.fields().empty()) {
    reader.error(section.where, fmt::format("'{}' defines no {}", section.key, what),
                 "define at least one, or leave the section out to use the default");
  }
  return out;
}

std::optional<std::filesystem::path> read_path(ParseContext& ctx, const Field& f, bool must_exist) {
  auto text = read_string(ctx.reader, f);
  if (!text) return std::nullopt;
  if (text->empty()) {
    ctx.reader.error(f.where, fmt::format("'{}' is an empty path", f.key),
                     "give a file path; relative paths start at the scenario file's directory");
    return std::nullopt;
  }
  std::filesystem::path p(*text);
  if (p.is_relative()) p = ctx.base_dir / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (must_exist && !std::filesystem::exists(p, ec)) {
    ctx.reader.error(f.where, fmt::format("'{}' does not exist", p.string()),
                     "relative paths are resolved against the scenario file's directory");
    return std::nullopt;
  }
  return p;
}

std::vector<std::string> read_slo_list(Reader& reader, const Field& f) {
  std::vector<std::string> out;
  auto items = read_items(reader, f);
  if (!items) return out;
  for (const auto& item : *items) {
    auto text = read_string(reader, item);
    if (!text) continue;
    if (auto ok = reader.check_threshold(*text); !ok) {
      reader.error(item.where, ok.error().message, ok.error().hint);
      continue;
    }
    out.push_back(*text);
  }
  return out;
}

}  // namespace deploybench::scenario::detail

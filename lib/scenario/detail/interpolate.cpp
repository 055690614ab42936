#include "scenario/detail/interpolate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace deploybench::scenario::detail {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 7> kWords = {"KEY",    "TOKEN",      "SECRET", "PASSWORD",
                                                             "PASSWD", "CREDENTIAL", "AUTH"};
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return upper.find(w) != std::string::npos; });
}

Result<Interpolated> interpolate(std::string_view text, const Environment& env) {
  Interpolated out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.value += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.value += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return make_error(ErrorCode::InvalidScenario, fmt::format("unterminated '${{' in '{}'", text),
                        "write ${NAME} or ${NAME:-default}; a literal '${' is written '$${'");
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const std::size_t dash = inner.find(":-");
    const std::string name(inner.substr(0, dash));
    if (!valid_name(name)) {
      return make_error(ErrorCode::InvalidScenario, fmt::format("'{}' is not a valid environment variable name", name),
                        "names are letters, digits and '_', e.g. ${API_URL}");
    }
    std::optional<std::string> value = env.get(name);
    if (dash != std::string_view::npos && (!value || value->empty())) {
      value = std::string(inner.substr(dash + 2));
    } else if (!value) {
      return make_error(ErrorCode::InvalidScenario, fmt::format("environment variable {} is not set", name),
                        fmt::format("set {} or give a default: ${{{}:-value}}", name, name));
    } else if (is_secret_name(name)) {
      out.secret = true;
    }
    out.value += *value;
    i = close + 1;
  }
  return out;
}

}  // namespace deploybench::scenario::detail

#include "scenario/detail/source_check.h"

#include <fmt/format.h>

#include "core/units.h"
#include "scenario/loader.h"

namespace deploybench::scenario::detail {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0 && b >= 0xC2)
    n = 2;
  else if ((b & 0xF0) == 0xE0)
    n = 3;
  else if ((b & 0xF8) == 0xF0 && b <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Offset of the first byte that makes `text` unfit to be YAML text, or npos.
std::size_t first_binary_byte(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0 || (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) return i;
    const std::size_t n = utf8_length(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

Diagnostic at(const std::string& file, std::pair<int, int> lc, std::string message, std::string hint) {
  return Diagnostic{"", std::move(message), std::move(hint), file, lc.first, lc.second};
}

void check_tabs(std::string_view text, const std::string& file, std::vector<Diagnostic>& out) {
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] == '\t') {
        out.push_back(at(file, {line, static_cast<int>(i - start) + 1}, "tab character in indentation",
                         "YAML indentation must use spaces; replace the tab with spaces"));
        break;
      }
    }
    ++line;
    start = end + 1;
  }
}

}  // namespace

Diagnostic too_large(std::uint64_t size, const std::string& file) {
  return at(file, {1, 1},
            fmt::format("the file is {} ({} bytes); scenario files are limited to {}", format_bytes(size), size,
                        format_bytes(kMaxScenarioBytes)),
            "is this the right file? Scenario files are short YAML documents");
}

Diagnostic unclosed_flow_diagnostic(std::string_view text, std::size_t opened, const std::string& file) {
  return at(file, line_column(text, opened), fmt::format("YAML syntax error: this '{}' is never closed", text[opened]),
            fmt::format("close it with '{}' on the same entry", text[opened] == '[' ? ']' : '}'));
}

std::vector<Diagnostic> check_source(std::string_view text, const std::string& file) {
  std::vector<Diagnostic> out;
  if (text.size() > kMaxScenarioBytes) {
    out.push_back(too_large(text.size(), file));
    return out;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.push_back(at(file, {1, 1}, "the file is empty",
                     "a scenario needs at least a name; start from scenarios/quickstart.yaml"));
    return out;
  }
  if (const std::size_t bad = first_binary_byte(text); bad != std::string_view::npos) {
    out.push_back(at(file, line_column(text, bad),
                     fmt::format("the file is not UTF-8 text: byte 0x{:02x}", static_cast<unsigned char>(text[bad])),
                     "scenario files are YAML text; is this the right file?"));
    return out;
  }
  check_tabs(text, file, out);
  // yaml-cpp 0.7 can loop allocating forever on a flow collection left open (jbeder/yaml-cpp#499,
  // #1040): a file with "{ocal: {kind: local}" and an apostrophe in a later comment took
  // gigabytes. An unclosed '[' or '{' is found here instead, at the bracket that opened it.
  if (out.empty())
    if (auto opened = unclosed_flow(text)) out.push_back(unclosed_flow_diagnostic(text, *opened, file));
  return out;
}

}  // namespace deploybench::scenario::detail

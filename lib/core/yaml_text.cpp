#include "core/yaml_text.h"

#include <vector>

namespace deploybench {

std::optional<std::size_t> unclosed_flow(std::string_view text) {
  std::vector<std::size_t> open;  // offsets of the open '[' and '{'
  char quote = 0;
  bool line_start = true;                   // no non-space character on this line yet
  std::size_t indent = 0;                   // this line's leading spaces
  char last = '\n';                         // the last non-space character on this line
  std::optional<std::size_t> block_indent;  // inside a block scalar ('|' or '>') of a line this indented
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      line_start = true;
      indent = 0;
      last = '\n';
      continue;
    }
    if (line_start && c == ' ') {
      ++indent;
      continue;
    }
    if (line_start && block_indent) {  // a block scalar's text is anything, until a line is no deeper
      if (indent > *block_indent) {
        while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        continue;
      }
      block_indent.reset();
    }
    const bool first = line_start;
    line_start = false;
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"')
        ++i;
      continue;
    }
    if (c == ' ') continue;
    // Where a node may start: in a flow collection after '[', '{' or ',', and in block context at a
    // line's first character or after "key: " or "- ". Anywhere else '[' or '{' is text of a plain
    // scalar ("description: see [docs" is valid YAML).
    const bool spaced = i > 0 && text[i - 1] == ' ';
    const bool node_start = !open.empty() ? std::string_view("[{,:").find(last) != std::string_view::npos
                                          : first || (spaced && (last == ':' || last == '-'));
    if (c == '#' && (first || spaced)) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if ((c == '"' || c == '\'') && (node_start || last == '\n')) {
      quote = c;
    } else if ((c == '[' || c == '{') && (node_start || !open.empty())) {
      open.push_back(i);
    } else if ((c == ']' || c == '}') && !open.empty()) {
      if ((c == ']') != (text[open.back()] == '[')) return open.back();  // "[1, 4}": the '[' is never closed
      open.pop_back();
    } else if ((c == '|' || c == '>') && open.empty() && node_start && !first) {
      block_indent = indent;
    }
    last = c;
  }
  if (open.empty()) return std::nullopt;
  return open.back();
}

std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace deploybench

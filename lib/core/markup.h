#pragma once
// Escaping for the text formats reporters write (HTML/SVG/XML and Markdown tables).
#include <string>
#include <string_view>

namespace deploybench {

/// Escapes & < > " ' for XML/HTML text and attribute values.
inline std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

/// Escapes '|' so text stays inside one Markdown table cell.
inline std::string escape_markdown_cell(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace deploybench

#include "serve/http_parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace deploybench::serve {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

/// Splits off the next line (ending in CRLF or a bare LF, which RFC 9112 2.2 lets us accept).
std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::optional<HttpParseError> parse_request_line(std::string_view line, HttpRequest& req) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return HttpParseError{400, "malformed request line"};
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), [](unsigned char c) { return is_token_char(c); }))
    return HttpParseError{400, "malformed request method"};
  if (target.empty() || target.front() != '/') return HttpParseError{400, "request target must be an absolute path"};
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1.") {
    if (version.substr(0, 5) == "HTTP/") return HttpParseError{505, fmt::format("unsupported version {}", version)};
    return HttpParseError{400, "malformed HTTP version"};
  }
  if (version[7] != '0' && version[7] != '1')
    return HttpParseError{505, fmt::format("unsupported version {}", version)};
  req.method = std::string(method);
  req.target = std::string(target);
  req.path = std::string(target.substr(0, target.find('?')));
  req.version_minor = version[7] - '0';
  return std::nullopt;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return &v;
  return nullptr;
}

bool HttpRequest::keep_alive() const {
  const std::string* c = header("connection");
  const std::string value = c ? lower(*c) : std::string{};
  if (version_minor == 0) return value.find("keep-alive") != std::string::npos;
  return value.find("close") == std::string::npos;
}

std::optional<std::size_t> find_head_end(std::string_view buffer) {
  for (std::size_t i = buffer.find('\n'); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return std::nullopt;
}

std::variant<ParsedHead, HttpParseError> parse_request_head(std::string_view head, std::size_t max_body) {
  ParsedHead out;
  std::string_view rest = head;
  // RFC 9112 2.2: ignore at least one empty line before the request line.
  std::string_view line = next_line(rest);
  if (line.empty()) line = next_line(rest);
  if (auto err = parse_request_line(line, out.request)) return *err;
  std::optional<std::size_t> length;
  while (!rest.empty()) {
    line = next_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[colon - 1] == ' ' || line[colon - 1] == '\t')
      return HttpParseError{400, fmt::format("malformed header line '{}'", line.substr(0, 64))};
    std::string name = lower(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "transfer-encoding")
      return HttpParseError{501, "Transfer-Encoding request bodies are not supported; send Content-Length"};
    if (name == "content-length") {
      std::size_t n = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size())
        return HttpParseError{400, fmt::format("invalid Content-Length '{}'", value.substr(0, 32))};
      if (length && *length != n) return HttpParseError{400, "conflicting Content-Length headers"};
      length = n;
    }
    out.request.headers.emplace_back(std::move(name), std::string(value));
  }
  out.content_length = length.value_or(0);
  if (out.content_length > max_body)
    return HttpParseError{413, fmt::format("request body of {} bytes exceeds the limit of {} bytes (--max-body)",
                                           out.content_length, max_body)};
  return out;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace deploybench::serve

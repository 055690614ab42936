#include "compare/threshold.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/text.h"
#include "core/units.h"

namespace deploybench::compare {
namespace {

constexpr std::string_view kRegresses = "regresses by more than";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Error bad(std::string_view expr, const std::string& what, std::string hint = {}) {
  return make_error(ErrorCode::InvalidArgument, fmt::format("threshold '{}': {}", expr, what), std::move(hint));
}

// Short names scenario files use for scalar metrics.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"throughput", "output_tokens_per_s"}, {"goodput", "goodput_per_s"}, {"request_rate", "requests_per_s"}};

// "p99.9" is how people (and scenarios/README.md) write the 99.9th percentile; the catalog says "p999".
std::string canonical_aggregate(std::string_view agg) { return agg == "p99.9" ? "p999" : std::string(agg); }

// A catalog key in the form the user wrote: "ttft_p95" -> "p95(ttft)" when they wrote a call.
std::string spelled_like(const std::string& key, bool call_form) {
  const auto sep = key.rfind('_');
  if (!call_form || sep == std::string::npos) return key;
  const auto& aggregates = result::latency_aggregates();
  if (std::find(aggregates.begin(), aggregates.end(), key.substr(sep + 1)) == aggregates.end()) return key;
  return fmt::format("{}({})", key.substr(sep + 1), key.substr(0, sep));
}

// "p95(ttft)" -> "ttft_p95"; "error_rate" and "ttft_p95" pass through; aliases resolve.
// Checks the key exists.
Result<std::string> parse_metric(std::string_view expr, std::string_view text) {
  std::string key(text);
  for (const auto& [alias, target] : kAliases)
    if (text == alias) key = target;
  const auto open = text.find('(');
  if (open != std::string_view::npos) {
    if (text.back() != ')') return bad(expr, fmt::format("'{}' is missing its closing ')'", text));
    const auto agg = trim(text.substr(0, open));
    const auto summary = trim(text.substr(open + 1, text.size() - open - 2));
    key = fmt::format("{}_{}", summary, canonical_aggregate(agg));
  } else if (const auto sep = key.rfind('_'); sep != std::string::npos) {
    key = key.substr(0, sep + 1) + canonical_aggregate(key.substr(sep + 1));
  }
  if (result::metric_info(key)) return key;
  const auto keys = result::all_metric_keys();
  const auto near = closest_match(key, keys);
  return bad(expr, fmt::format("unknown metric '{}'", text),
             near ? fmt::format("did you mean '{}'? scenarios/README.md lists the metrics",
                                spelled_like(*near, open != std::string_view::npos))
                  : "write e.g. p95(ttft), p99(e2e), error_rate, output_tokens_per_s");
}

Result<double> parse_plain_number(std::string_view text) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end) return make_error(ErrorCode::InvalidArgument, "not a number");
  return v;
}

// Parses the value in the metric's canonical unit.
Result<double> parse_value(std::string_view expr, std::string_view text, const result::MetricInfo& info) {
  Result<double> v = 0.0;
  std::string expected;
  switch (info.unit_kind) {
    case result::UnitKind::Millis: {
      auto d = parse_duration(text);
      v = d ? Result<double>(to_millis(*d)) : Result<double>(d.error());
      expected = "a duration with a unit, e.g. 250ms or 1.5s";
      break;
    }
    case result::UnitKind::Percent: {
      auto f = parse_fraction(text);
      v = f ? Result<double>(*f * 100.0) : Result<double>(f.error());
      expected = "a percentage like 1% or a fraction like 0.01";
      break;
    }
    case result::UnitKind::Bytes: {
      auto b = parse_bytes(text);
      v = b ? Result<double>(static_cast<double>(*b)) : Result<double>(b.error());
      expected = "a size like 512m or 2g";
      break;
    }
    case result::UnitKind::PerSecond:
      v = parse_rate(text);
      expected = "a rate like 100 or 100/s";
      break;
    default:
      v = parse_plain_number(text);
      expected = "a plain number";
  }
  if (!v) return bad(expr, fmt::format("'{}' is not a valid value for {}", text, info.key), "write " + expected);
  return v;
}

Result<Threshold> parse_regression(std::string_view expr, std::string_view metric_text, std::string_view pct_text) {
  auto key = parse_metric(expr, metric_text);
  if (!key) return std::move(key).error();
  pct_text = trim(pct_text);
  if (pct_text.empty() || pct_text.back() != '%')
    return bad(expr, fmt::format("'{}' must be a percentage", pct_text), "write e.g. 'regresses by more than 10%'");
  auto pct = parse_plain_number(pct_text.substr(0, pct_text.size() - 1));
  if (!pct || *pct < 0) return bad(expr, fmt::format("'{}' is not a valid percentage", pct_text));
  const auto info = *result::metric_info(*key);
  Threshold t{std::string(expr), *key,     ThresholdKind::Regression, Comparator::Less, 0, *pct / 100.0,
              info.direction,    info.unit};
  return t;
}

}  // namespace

std::string_view comparator_text(Comparator op) {
  switch (op) {
    case Comparator::Less:
      return "<";
    case Comparator::LessEqual:
      return "<=";
    case Comparator::Greater:
      return ">";
    case Comparator::GreaterEqual:
      return ">=";
  }
  return "?";
}

Result<Threshold> parse_threshold(std::string_view expression) {
  const std::string_view expr = trim(expression);
  if (expr.empty()) return bad(expression, "is empty", "write e.g. 'p95(ttft) < 500ms'");
  if (const auto pos = expr.find(kRegresses); pos != std::string_view::npos)
    return parse_regression(expr, trim(expr.substr(0, pos)), expr.substr(pos + kRegresses.size()));
  const auto op_pos = expr.find_first_of("<>");
  if (op_pos == std::string_view::npos)
    return bad(expr, "has no comparison operator",
               "write 'METRIC < VALUE' (also <=, >, >=) or 'METRIC regresses by more than N%'");
  const bool or_equal = op_pos + 1 < expr.size() && expr[op_pos + 1] == '=';
  const Comparator op = expr[op_pos] == '<' ? (or_equal ? Comparator::LessEqual : Comparator::Less)
                                            : (or_equal ? Comparator::GreaterEqual : Comparator::Greater);
  const auto metric_text = trim(expr.substr(0, op_pos));
  const auto value_text = trim(expr.substr(op_pos + (or_equal ? 2 : 1)));
  if (metric_text.empty()) return bad(expr, "has no metric before the operator");
  if (value_text.empty()) return bad(expr, "has no value after the operator");
  auto key = parse_metric(expr, metric_text);
  if (!key) return std::move(key).error();
  const auto info = *result::metric_info(*key);
  auto value = parse_value(expr, value_text, info);
  if (!value) return std::move(value).error();
  return Threshold{std::string(expr), *key, ThresholdKind::Absolute, op, *value, 0, info.direction, info.unit};
}

Status check_threshold(std::string_view expression) {
  auto t = parse_threshold(expression);
  if (!t) return std::move(t).error();
  return Ok{};
}

bool satisfies(const Threshold& t, double actual) {
  switch (t.op) {
    case Comparator::Less:
      return actual < t.value;
    case Comparator::LessEqual:
      return actual <= t.value;
    case Comparator::Greater:
      return actual > t.value;
    case Comparator::GreaterEqual:
      return actual >= t.value;
  }
  return false;
}

}  // namespace deploybench::compare

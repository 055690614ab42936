// Reader half of results.json. Every field access goes through FieldReader, which records the
// first problem with its JSON path so the error says exactly where the file is wrong.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "result/result_json.h"

namespace deploybench::result {
namespace {

using Json = nlohmann::ordered_json;  // keeps settings in file order

class FieldReader {
 public:
  explicit FieldReader(std::string source) : source_(std::move(source)) {}

  bool failed() const { return error_.has_value(); }
  Error take_error() { return std::move(*error_); }

  void fail(const std::string& path, const std::string& what) {
    if (!error_)
      error_ = make_error(ErrorCode::InvalidArgument,
                          fmt::format("{}: {}: {}", source_, path.empty() ? "top level" : path, what),
                          "check the file against the schema in results/README.md");
  }

  /// The member `key` of object `obj`, or nullptr (and an error when `required`).
  const Json* member(const Json& obj, const std::string& path, const char* key, bool required = true) {
    if (!obj.is_object()) {
      fail(path, fmt::format("expected an object, found {}", obj.type_name()));
      return nullptr;
    }
    const auto it = obj.find(key);
    if (it == obj.end() || (it->is_null() && required)) {
      if (required) fail(join(path, key), "missing required field");
      return nullptr;
    }
    return it->is_null() ? nullptr : &*it;
  }

  template <typename T>
  void read(const Json& obj, const std::string& path, const char* key, T& out, bool required = true) {
    const Json* v = member(obj, path, key, required);
    if (v) convert(*v, join(path, key), out);
  }

  /// Converts one JSON value (an array element) at `path`.
  template <typename T>
  void value(const Json& v, const std::string& path, T& out) {
    convert(v, path, out);
  }

  template <typename T>
  void read_optional(const Json& obj, const std::string& path, const char* key, std::optional<T>& out) {
    const Json* v = member(obj, path, key, false);
    if (!v) return;
    T value{};
    convert(*v, join(path, key), value);
    out = value;
  }

  void read_millis(const Json& obj, const std::string& path, const char* key, Nanos& out) {
    double ms = 0;
    read(obj, path, key, ms);
    out = Nanos(std::llround(ms * 1e6));
  }

  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

 private:
  void convert(const Json& v, const std::string& path, double& out) {
    if (v.is_number())
      out = v.get<double>();
    else
      fail(path, fmt::format("expected a number, found {}", v.type_name()));
  }
  void convert(const Json& v, const std::string& path, std::uint64_t& out) {
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0))
      out = v.get<std::uint64_t>();
    else
      fail(path, fmt::format("expected a non-negative integer, found {}", v.dump()));
  }
  void convert(const Json& v, const std::string& path, int& out) {
    if (v.is_number_integer())
      out = v.get<int>();
    else
      fail(path, fmt::format("expected an integer, found {}", v.dump()));
  }
  void convert(const Json& v, const std::string& path, bool& out) {
    if (v.is_boolean())
      out = v.get<bool>();
    else
      fail(path, fmt::format("expected true or false, found {}", v.dump()));
  }
  void convert(const Json& v, const std::string& path, std::string& out) {
    if (v.is_string())
      out = v.get<std::string>();
    else
      fail(path, fmt::format("expected a string, found {}", v.type_name()));
  }

  std::string source_;
  std::optional<Error> error_;
};

void read_summary(FieldReader& r, const Json& j, const std::string& path, stats::MetricSummary& s) {
  r.read(j, path, "count", s.count);
  r.read_millis(j, path, "mean_ms", s.mean);
  r.read_millis(j, path, "stddev_ms", s.stddev);
  r.read_millis(j, path, "min_ms", s.min);
  r.read_millis(j, path, "max_ms", s.max);
  r.read_millis(j, path, "p50_ms", s.p50);
  r.read_millis(j, path, "p90_ms", s.p90);
  r.read_millis(j, path, "p95_ms", s.p95);
  r.read_millis(j, path, "p99_ms", s.p99);
  r.read_millis(j, path, "p999_ms", s.p999);
}

void read_optional_summary(FieldReader& r, const Json& j, const std::string& path, const char* key,
                           std::optional<stats::MetricSummary>& out) {
  const Json* v = r.member(j, path, key, false);
  if (!v) return;
  out.emplace();
  read_summary(r, *v, FieldReader::join(path, key), *out);
}

void read_metrics(FieldReader& r, const Json& j, const std::string& path, Metrics& m) {
  r.read(j, path, "requests", m.requests);
  r.read(j, path, "completed", m.completed);
  r.read(j, path, "errors", m.errors);
  if (const Json* kinds = r.member(j, path, "errors_by_kind", false))
    for (const auto& [k, v] : kinds->items()) {
      (void)v;
      r.read(*kinds, path + ".errors_by_kind", k.c_str(), m.errors_by_kind[k]);
    }
  r.read(j, path, "output_tokens", m.output_tokens);
  r.read(j, path, "input_tokens", m.input_tokens);
  r.read(j, path, "duration_s", m.duration_s);
  r.read(j, path, "requests_per_s", m.requests_per_s);
  r.read(j, path, "output_tokens_per_s", m.output_tokens_per_s);
  r.read_optional(j, path, "goodput_per_s", m.goodput_per_s);
  const std::pair<const char*, stats::MetricSummary*> required[] = {
      {"ttft", &m.ttft}, {"tpot", &m.tpot}, {"itl", &m.itl}, {"e2e", &m.e2e}};
  for (const auto& [key, s] : required)
    if (const Json* v = r.member(j, path, key)) read_summary(r, *v, FieldReader::join(path, key), *s);
  read_optional_summary(r, j, path, "service_time", m.service_time);
  read_optional_summary(r, j, path, "queue", m.queue);
  read_optional_summary(r, j, path, "prefill", m.prefill);
  read_optional_summary(r, j, path, "decode", m.decode);
  read_optional_summary(r, j, path, "connect", m.connect);
  read_optional_summary(r, j, path, "first_byte", m.first_byte);
  r.read_optional(j, path, "target_cpu_s", m.target_cpu_seconds);
  r.read_optional(j, path, "target_peak_rss_bytes", m.target_peak_rss_bytes);
  r.read(j, path, "generator_cpu_s", m.generator_cpu_seconds, false);
  r.read_optional(j, path, "schedule_lag_p99_ms", m.schedule_lag_p99_ms);
}

void read_lifecycle(FieldReader& r, const Json& j, const std::string& p, Lifecycle& l) {
  r.read(j, p, "build_s", l.build_s, false);
  r.read(j, p, "deploy_to_ready_s", l.deploy_to_ready_s, false);
  r.read_optional(j, p, "cold_ttft_ms", l.cold_ttft_ms);
  r.read_optional(j, p, "warm_ttft_ms", l.warm_ttft_ms);
  r.read(j, p, "idle_rss_bytes", l.idle_rss_bytes, false);
}

void read_resources(FieldReader& r, const Json& j, const std::string& p, std::vector<ResourcePoint>& out) {
  if (!j.is_array()) return r.fail(p, "expected an array");
  for (std::size_t i = 0; !r.failed() && i < j.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", p, i);
    auto& point = out.emplace_back();
    r.read(j[i], at, "t_s", point.t_s);
    r.read(j[i], at, "cpu_cores", point.cpu_cores);
    r.read(j[i], at, "rss_bytes", point.rss_bytes);
  }
}

/// Files written before 2026-12 held "0.1.0 (git abc)" in tool_version as well as git_revision,
/// which printed the revision twice in every report: keep the version alone.
void split_legacy_tool_version(Manifest& m) {
  const auto at = m.tool_version.find(" (git ");
  if (at == std::string::npos || m.tool_version.back() != ')') return;
  if (m.git_revision.empty()) m.git_revision = m.tool_version.substr(at + 6, m.tool_version.size() - at - 7);
  m.tool_version.resize(at);
}

void read_manifest(FieldReader& r, const Json& j, Manifest& m) {
  const std::string p = "manifest";
  r.read(j, p, "run_id", m.run_id);
  r.read(j, p, "tool_version", m.tool_version, false);
  r.read(j, p, "git_revision", m.git_revision, false);
  split_legacy_tool_version(m);
  if (const Json* h = r.member(j, p, "host", false)) {
    r.read(*h, p + ".host", "name", m.host_name, false);
    r.read(*h, p + ".host", "cpu_model", m.cpu_model, false);
    r.read(*h, p + ".host", "cores", m.cores, false);
    r.read(*h, p + ".host", "memory_bytes", m.memory_bytes, false);
    r.read(*h, p + ".host", "kernel", m.kernel, false);
    r.read(*h, p + ".host", "os", m.os, false);
  }
  if (const Json* s = r.member(j, p, "scenario", false)) {
    r.read(*s, p + ".scenario", "name", m.scenario_name, false);
    r.read(*s, p + ".scenario", "file", m.scenario_file, false);
    r.read(*s, p + ".scenario", "sha256", m.scenario_sha256, false);
  }
  r.read(j, p, "seed", m.seed, false);
  r.read(j, p, "started_at", m.started_at, false);
  r.read(j, p, "finished_at", m.finished_at, false);
  r.read(j, p, "status", m.status, false);
}

void read_cell(FieldReader& r, const Json& j, const std::string& p, CellResult& c) {
  r.read(j, p, "cell_id", c.cell_id);
  if (const Json* axes = r.member(j, p, "axes", false))
    for (const auto& [k, v] : axes->items()) {
      (void)v;
      r.read(*axes, p + ".axes", k.c_str(), c.axes[k]);
    }
  r.read(j, p, "repetition", c.repetition, false);
  if (const Json* settings = r.member(j, p, "settings", false))
    for (const auto& [k, v] : settings->items()) {
      (void)v;
      c.settings.emplace_back(k, std::string{});
      r.read(*settings, p + ".settings", k.c_str(), c.settings.back().second);
    }
  if (const Json* t = r.member(j, p, "target")) {
    r.read(*t, p + ".target", "name", c.target.name);
    r.read(*t, p + ".target", "kind", c.target.kind);
    if (const Json* d = r.member(*t, p + ".target", "details", false))
      for (const auto& [k, v] : d->items()) {
        (void)v;
        r.read(*d, p + ".target.details", k.c_str(), c.target.details[k]);
      }
  }
  r.read(j, p, "started_at", c.started_at, false);
  r.read(j, p, "error", c.error, false);
  if (const Json* v = r.member(j, p, "validity", false)) {
    r.read(*v, p + ".validity", "valid", c.validity.valid);
    if (const Json* reasons = r.member(*v, p + ".validity", "reasons", false)) {
      if (!reasons->is_array()) r.fail(p + ".validity.reasons", "expected an array of strings");
      for (std::size_t i = 0; !r.failed() && i < reasons->size(); ++i)
        r.value((*reasons)[i], fmt::format("{}.validity.reasons[{}]", p, i), c.validity.reasons.emplace_back());
    }
  }
  if (const Json* ex = r.member(j, p, "error_examples", false)) {
    if (!ex->is_object()) r.fail(p + ".error_examples", "expected an object of error kind -> response body");
    for (auto it = ex->begin(); !r.failed() && it != ex->end(); ++it)
      r.read(*ex, p + ".error_examples", it.key().c_str(), c.error_examples[it.key()]);
  }
  if (r.member(j, p, "sweep_slo_met", false)) r.read(j, p, "sweep_slo_met", c.sweep_slo_met.emplace());
  if (const Json* l = r.member(j, p, "lifecycle", false)) read_lifecycle(r, *l, p + ".lifecycle", c.lifecycle);
  if (const Json* res = r.member(j, p, "resources", false)) read_resources(r, *res, p + ".resources", c.resources);
  if (const Json* m = r.member(j, p, "metrics")) read_metrics(r, *m, p + ".metrics", c.metrics);
}

// Says what is wrong with text nlohmann could not parse. A parse that stops at the end of the text
// means the text stops before the JSON does: the file was cut short, not written wrongly.
Error parse_failure(const Json::parse_error& e, std::string_view text, const std::string& source_name) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: is empty, not a results file", source_name),
                      "a run writes results.json after its first cell; is this the right file?");
  if (e.byte >= text.size())
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: ends early, after {} bytes, in the middle of the JSON: truncated, or still "
                                  "being written? It is not a complete results file",
                                  source_name, text.size()),
                      "deploybench replaces results.json whole after every cell, so this copy was cut short (a copy "
                      "or transfer still running or interrupted, a full disk): copy it again from the run directory");
  std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 3, column 1: ..."
  if (const auto end = what.find("] "); what.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
    what.erase(0, end + 2);
  return make_error(ErrorCode::InvalidArgument, fmt::format("{}: not valid JSON: {}", source_name, what),
                    "is this a deploybench results.json file?");
}

}  // namespace

Result<ResultSet> from_json(std::string_view text, const std::string& source_name) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return parse_failure(e, text, source_name);
  }
  FieldReader r(source_name);
  ResultSet out;
  int version = 0;
  r.read(j, "", "schema_version", version);
  if (!r.failed() && version != kSchemaVersion)
    r.fail("schema_version", fmt::format("unsupported version {} (this build reads {})", version, kSchemaVersion));
  if (r.failed()) return r.take_error();
  out.manifest.schema_version = version;
  if (const Json* m = r.member(j, "", "manifest")) read_manifest(r, *m, out.manifest);
  if (const Json* cells = r.member(j, "", "cells")) {
    if (!cells->is_array()) r.fail("cells", "expected an array");
    for (std::size_t i = 0; !r.failed() && i < cells->size(); ++i) {
      out.cells.emplace_back();
      read_cell(r, (*cells)[i], fmt::format("cells[{}]", i), out.cells.back());
    }
  }
  if (r.failed()) return r.take_error();
  return out;
}

Result<ResultSet> load_results(const std::string& path) {
  std::filesystem::path file(path);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "results.json";
  auto text = read_file(file);
  if (!text) return std::move(text).error();
  return from_json(*text, file.string());
}

}  // namespace deploybench::result

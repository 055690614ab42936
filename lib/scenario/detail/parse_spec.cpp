// The top level of a scenario file (schema v1; scenarios/README.md documents every key).
#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "core/text.h"
#include "scenario/detail/parse.h"

namespace deploybench::scenario::detail {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kTopKeys = {"schema_version", "name",   "description", "seed",  "defaults",
                                           "targets",        "models", "workloads",   "loads", "matrix",
                                           "repeat",         "order",  "slo",         "gate",  "output"};

void read_defaults(Reader& r, const Field& f, Defaults& d) {
  MapView v(r, f.node, f.path, {"warmup", "duration", "request_timeout", "ready_timeout", "max_requests"},
            "'defaults'");
  if (auto* g = v.get("warmup")) d.warmup = read_duration(r, *g, 0ns, 1h).value_or(d.warmup);
  if (auto* g = v.get("duration")) d.duration = read_duration(r, *g, 100ms, 24h).value_or(d.duration);
  if (auto* g = v.get("request_timeout")) d.request_timeout = read_duration(r, *g, 1ms, 1h).value_or(d.request_timeout);
  if (auto* g = v.get("ready_timeout")) d.ready_timeout = read_duration(r, *g, 1s, 1h).value_or(d.ready_timeout);
  if (auto* g = v.get("max_requests")) {
    if (auto n = read_int(r, *g, 1, 1'000'000'000)) d.max_requests = static_cast<std::uint64_t>(*n);
  }
}

// A limit is checked as the expression the gate will evaluate (compare::regression_expressions).
void read_gate_limits(Reader& r, const Field& m, GateSpec& gate) {
  MapView limits(r, m.node, m.path, {}, "'max_regression'");
  for (const auto& limit : limits.fields()) {
    const auto frac = read_fraction(r, limit);
    if (!frac) continue;
    if (auto ok = r.check_threshold(fmt::format("{} regresses by more than {:g}%", limit.key, *frac * 100)); !ok) {
      r.error(limit.where, ok.error().message, ok.error().hint);
      continue;
    }
    gate.max_regression.emplace_back(limit.key, *frac);
  }
}

void read_gate(ParseContext& ctx, const Field& f, ScenarioSpec& spec) {
  Reader& r = ctx.reader;
  MapView v(r, f.node, f.path, {"baseline", "max_regression", "alpha"}, "'gate'");
  if (!v.is_map()) return;
  GateSpec gate;
  if (auto* b = v.get("baseline")) {
    gate.baseline = read_path(ctx, *b, false).value_or("");
    std::error_code ec;
    if (!gate.baseline.empty() && !std::filesystem::exists(gate.baseline, ec))
      r.warn(b->where, fmt::format("baseline '{}' does not exist: `run` will fail the gate", gate.baseline.string()),
             "relative paths start at the scenario file's directory; create it with a run, or pass --baseline FILE");
  }
  if (auto* a = v.get("alpha")) gate.alpha = read_number(r, *a, 0.0001, 0.5).value_or(gate.alpha);
  if (const Field* m = v.get("max_regression")) read_gate_limits(r, *m, gate);
  if (gate.max_regression.empty()) {
    r.error(f.where, "a gate needs max_regression limits", "e.g. max_regression: {p95(ttft): 10%, throughput: 5%}");
  }
  spec.gate = gate;
}

void read_output(Reader& r, const Field& f, OutputOptions& out) {
  MapView v(r, f.node, f.path, {"dir", "formats"}, "'output'");
  if (auto* d = v.get("dir")) out.dir = read_string(r, *d).value_or(out.dir.string());
  if (auto* fm = v.get("formats")) {
    out.formats.clear();
    for (const auto& item : read_items(r, *fm).value_or(std::vector<Field>{})) {
      if (auto s = read_choice(r, item, {"json", "md", "csv", "html"})) out.formats.push_back(*s);
    }
  }
}

void read_header(Reader& r, const MapView& top, const std::filesystem::path& file_stem, ScenarioSpec& spec) {
  if (auto* f = top.get("schema_version")) {
    if (auto v = read_int(r, *f, 0, 1000); v && *v != 1) {
      r.error(f->where, fmt::format("schema_version {} is not supported", *v),
              "this deploybench reads schema_version 1");
    }
  }
  spec.name = file_stem.string();
  if (auto* f = top.get("name")) {
    static const std::regex kName("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    auto s = read_string(r, *f);
    if (s && !std::regex_match(*s, kName)) {
      r.error(f->where, fmt::format("'{}' is not a valid scenario name", *s),
              "use letters, digits, '-', '_' and '.' (it names the results directory)");
    } else if (s) {
      spec.name = *s;
    }
  }
  if (auto* f = top.get("description")) spec.description = read_string(r, *f).value_or("");
  if (auto* f = top.get("seed")) spec.seed = static_cast<std::uint64_t>(read_int(r, *f, 0, INT64_MAX).value_or(1));
  if (auto* f = top.get("repeat")) spec.repeat = static_cast<int>(read_int(r, *f, 1, 100).value_or(1));
  if (auto* f = top.get("order")) {
    auto o = read_choice(r, *f, {"interleaved", "sequential"});
    spec.order = o && *o == "sequential" ? Order::Sequential : Order::Interleaved;
  }
  if (auto* f = top.get("defaults")) read_defaults(r, *f, spec.defaults);
}

// Entries used when a section is absent: one local target, the default model, one chat
// workload and a closed loop at concurrency 1. With only remote targets the implicit model is
// named "endpoint-model": they serve their own, and "tiny-int8" in their cell ids would mislead.
void add_implicit_entries(const MapView& top, ScenarioSpec& spec) {
  if (!top.get("targets")) {
    target::TargetConfig t;
    t.name = "local";
    t.ready_timeout = spec.defaults.ready_timeout;
    spec.targets.push_back({"local", t, std::nullopt});
  }
  if (!top.get("models")) {
    target::ModelSpec m;
    const bool only_remote =
        !spec.targets.empty() && std::all_of(spec.targets.begin(), spec.targets.end(), [](const auto& t) {
          return std::holds_alternative<target::RemoteConfig>(t.config.kind);
        });
    spec.models.push_back({only_remote ? "endpoint-model" : m.preset + "-" + m.precision, m});
  }
  if (!top.get("workloads")) {
    loadgen::WorkloadConfig w;
    w.seed = spec.seed;
    spec.workloads.push_back({w.name, w, {}});
  }
  if (!top.get("loads")) {
    NamedLoad l{"closed", {LoadLevel{"", {{"concurrency", "1"}}, loadgen::ClosedLoop{}}}, {}, std::nullopt};
    l.base.warmup = spec.defaults.warmup;
    l.base.duration = spec.defaults.duration;
    l.base.request_timeout = spec.defaults.request_timeout;
    l.base.max_requests = spec.defaults.max_requests;
    l.base.seed = spec.seed;
    spec.loads.push_back(l);
  }
}

void fill_sweep_slo(Reader& r, ScenarioSpec& spec) {
  for (auto& load : spec.loads) {
    if (!load.sweep || !load.sweep->stop_slo.empty()) continue;
    load.sweep->stop_slo = spec.slo;
    if (spec.slo.empty()) {
      r.error(load.sweep->where, "a capacity sweep needs an slo to stop at",
              "add slo: [\"p95(ttft) < 500ms\"] to the sweep or to the scenario");
    }
  }
}

}  // namespace

ScenarioSpec parse_spec(Reader& reader, const YAML::Node& root, const std::filesystem::path& base_dir) {
  ScenarioSpec spec;
  MapView top(reader, root, "", kTopKeys, "the scenario");
  const std::filesystem::path file_stem = std::filesystem::path(reader.file()).stem();
  read_header(reader, top, file_stem, spec);
  ParseContext ctx{reader, base_dir, spec.defaults, spec.seed};
  if (auto* f = top.get("slo")) spec.slo = read_slo_list(reader, *f);
  if (auto* f = top.get("targets")) parse_targets(ctx, *f, spec.targets);
  if (auto* f = top.get("models")) parse_models(ctx, *f, spec.models);
  if (auto* f = top.get("workloads")) parse_workloads(ctx, *f, spec.workloads);
  if (auto* f = top.get("loads")) parse_loads(ctx, *f, spec.loads);
  add_implicit_entries(top, spec);
  fill_sweep_slo(reader, spec);
  if (auto* f = top.get("matrix")) parse_matrix(reader, *f, spec);
  if (auto* f = top.get("gate")) read_gate(ctx, *f, spec);
  if (auto* f = top.get("output")) read_output(reader, *f, spec.output);
  return spec;
}

}  // namespace deploybench::scenario::detail

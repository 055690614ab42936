// loads: {NAME: {closed | open | sweep: {...}, warmup, duration, max_requests, request_timeout, seed}}
//   closed: {concurrency: N | [N...], think_time}
//   open:   {rate: R | [R...], arrival: poisson | constant | gamma, burstiness, max_in_flight}
//   sweep:  {kind: capacity, from: R, to: R, steps: N, spacing: geometric | linear, arrival,
//            max_in_flight, slo: [...]}
//           without from/to the sweep is automatic: one user, then `saturation` users (default 32),
//           then `steps` open-loop rates evenly between the two measured rates.
// A list of levels expands into one cell per level.
#include <fmt/format.h>

#include <cmath>

#include "scenario/detail/parse.h"

namespace deploybench::scenario::detail {
namespace {

using namespace std::chrono_literals;

constexpr double kMaxRate = 1e6;

std::string rate_label(double rate) { return fmt::format("{:.4g}", rate); }

std::optional<loadgen::Arrival> read_arrival(Reader& r, const MapView& v) {
  const Field* f = v.get("arrival");
  if (!f) return loadgen::Arrival::Poisson;
  auto a = read_choice(r, *f, {"poisson", "constant", "gamma"});
  if (!a) return std::nullopt;
  if (*a == "constant") return loadgen::Arrival::Constant;
  return *a == "gamma" ? loadgen::Arrival::Gamma : loadgen::Arrival::Poisson;
}

// arrival, max_in_flight and connections: shared by open loads and sweeps.
loadgen::OpenLoop read_open_common(Reader& r, const MapView& v) {
  loadgen::OpenLoop o;
  o.arrival = read_arrival(r, v).value_or(o.arrival);
  if (auto* m = v.get("max_in_flight")) o.max_in_flight = static_cast<int>(read_int(r, *m, 1, 100000).value_or(256));
  if (auto* c = v.get("connections")) o.connections = static_cast<int>(read_int(r, *c, 0, 100000).value_or(0));
  return o;
}

void read_closed(Reader& r, const Field& f, NamedLoad& load) {
  MapView v(r, f.node, f.path, {"concurrency", "think_time"}, "'closed'");
  loadgen::ClosedLoop base;
  if (auto* t = v.get("think_time")) base.think_time = read_duration(r, *t, 0ns, 1h).value_or(0ns);
  std::vector<Field> items;
  if (auto* c = v.get("concurrency"))
    items = read_items(r, *c).value_or(std::vector<Field>{});
  else if (v.is_map())
    r.error(f.where, "closed needs concurrency", "e.g. closed: {concurrency: [1, 4]}");
  for (const auto& item : items) {
    auto n = read_int(r, item, 1, 100000);
    if (!n) continue;
    loadgen::ClosedLoop level = base;
    level.concurrency = static_cast<int>(*n);
    const std::string label = std::to_string(*n);
    for (const auto& existing : load.levels) {
      if (existing.axes.front().second == label)
        r.error(item.where, fmt::format("concurrency {} is listed twice", *n), "list each level once");
    }
    load.levels.push_back(LoadLevel{items.size() > 1 ? "c" + label : "", {{"concurrency", label}}, level});
  }
}

void read_open(Reader& r, const Field& f, NamedLoad& load) {
  MapView v(r, f.node, f.path, {"rate", "arrival", "burstiness", "max_in_flight", "connections"}, "'open'");
  loadgen::OpenLoop base = read_open_common(r, v);
  if (auto* b = v.get("burstiness")) base.burstiness = read_number(r, *b, 0.01, 100).value_or(1.0);
  std::vector<Field> items;
  if (auto* c = v.get("rate"))
    items = read_items(r, *c).value_or(std::vector<Field>{});
  else if (v.is_map())
    r.error(f.where, "open needs rate", "e.g. open: {rate: [2/s, 8/s]}");
  for (const auto& item : items) {
    auto rate = read_rate(r, item, 0.001, kMaxRate);
    if (!rate) continue;
    loadgen::OpenLoop level = base;
    level.rate_per_s = *rate;
    const std::string label = rate_label(*rate);
    for (const auto& existing : load.levels) {
      if (existing.axes.front().second == label + "/s")
        r.error(item.where, fmt::format("rate {}/s is listed twice", label), "list each level once");
    }
    load.levels.push_back(LoadLevel{items.size() > 1 ? label + "rps" : "", {{"rate", label + "/s"}}, level});
  }
}

// The automatic sweep's levels: synchronous, saturating, then `steps` rates filled in at run time.
void add_auto_sweep_levels(Reader& r, const MapView& v, const loadgen::OpenLoop& base, int steps, NamedLoad& load) {
  if (const Field* f = v.get("spacing"))
    r.error(f->where, "'spacing' is for a sweep with from and to",
            "the automatic sweep spaces its rates evenly between the two measured rates");
  int saturation = 32;
  if (auto* s = v.get("saturation")) saturation = static_cast<int>(read_int(r, *s, 2, 100000).value_or(saturation));
  load.levels.push_back(LoadLevel{"sync", {{"concurrency", "1"}, {"step", "sync"}}, loadgen::ClosedLoop{1, Nanos{0}},
                                  SweepRole::Synchronous});
  load.levels.push_back(LoadLevel{"saturate",
                                  {{"concurrency", std::to_string(saturation)}, {"step", "saturate"}},
                                  loadgen::ClosedLoop{saturation, Nanos{0}},
                                  SweepRole::Saturating});
  for (int i = 0; i < steps; ++i) {
    load.levels.push_back(LoadLevel{fmt::format("s{}", i + 1),
                                    {{"rate", "auto"}, {"step", std::to_string(i + 1)}},
                                    base,
                                    SweepRole::AutoRate,
                                    i,
                                    steps});
  }
}

void read_sweep(Reader& r, const Field& f, NamedLoad& load) {
  MapView v(r, f.node, f.path,
            {"kind", "from", "to", "steps", "spacing", "saturation", "arrival", "max_in_flight", "connections", "slo"},
            "'sweep'");
  if (!v.is_map()) return;
  if (auto* k = v.get("kind")) read_choice(r, *k, {"capacity"});
  const loadgen::OpenLoop base = read_open_common(r, v);
  const Field* from_f = v.get("from");
  const Field* to_f = v.get("to");
  const int steps = v.get("steps") ? static_cast<int>(read_int(r, *v.get("steps"), 2, 50).value_or(5)) : 5;
  SweepSpec sweep{{}, f.where};
  if (auto* s = v.get("slo")) sweep.stop_slo = read_slo_list(r, *s);
  load.sweep = sweep;
  if (!from_f && !to_f) {
    add_auto_sweep_levels(r, v, base, steps, load);
    return;
  }
  if (!from_f || !to_f) {
    r.error(f.where, "a sweep needs both from and to, or neither (automatic bounds)",
            "e.g. sweep: {kind: capacity, from: 1/s, to: 16/s, steps: 5}, or sweep: {kind: capacity, steps: 5}");
    return;
  }
  if (const Field* s = v.get("saturation"))
    r.error(s->where, "'saturation' is for the automatic sweep", "drop from and to, or drop saturation");
  const auto from = read_rate(r, *from_f, 0.001, kMaxRate);
  const auto to = read_rate(r, *to_f, 0.001, kMaxRate);
  std::string spacing = "geometric";
  if (auto* s = v.get("spacing")) spacing = read_choice(r, *s, {"geometric", "linear"}).value_or(spacing);
  if (!from || !to) return;
  if (*to <= *from) {
    r.error(to_f->where, "a sweep's 'to' must be above 'from'", "e.g. from: 1/s, to: 16/s");
    return;
  }
  for (int i = 0; i < steps; ++i) {
    const double x = static_cast<double>(i) / (steps - 1);
    loadgen::OpenLoop level = base;
    level.rate_per_s = spacing == "linear" ? *from + x * (*to - *from) : *from * std::pow(*to / *from, x);
    load.levels.push_back(LoadLevel{fmt::format("s{}", i + 1),
                                    {{"rate", rate_label(level.rate_per_s) + "/s"}, {"step", std::to_string(i + 1)}},
                                    level});
  }
}

void read_window(ParseContext& ctx, const MapView& v, loadgen::LoadConfig& c) {
  Reader& r = ctx.reader;
  c.warmup = ctx.defaults.warmup;
  c.duration = ctx.defaults.duration;
  c.request_timeout = ctx.defaults.request_timeout;
  c.max_requests = ctx.defaults.max_requests;
  c.seed = ctx.seed;
  if (auto* f = v.get("warmup")) c.warmup = read_duration(r, *f, 0ns, 1h).value_or(c.warmup);
  if (auto* f = v.get("duration")) c.duration = read_duration(r, *f, 100ms, 24h).value_or(c.duration);
  if (auto* f = v.get("request_timeout")) c.request_timeout = read_duration(r, *f, 1ms, 1h).value_or(c.request_timeout);
  if (auto* f = v.get("max_requests")) {
    if (auto n = read_int(r, *f, 1, 1'000'000'000)) c.max_requests = static_cast<std::uint64_t>(*n);
  }
  if (auto* f = v.get("seed")) {
    if (auto n = read_int(r, *f, 0, INT64_MAX)) c.seed = static_cast<std::uint64_t>(*n);
  }
}

std::optional<NamedLoad> read_load(ParseContext& ctx, const Field& entry) {
  Reader& r = ctx.reader;
  MapView v(r, entry.node, entry.path,
            {"closed", "open", "sweep", "warmup", "duration", "max_requests", "request_timeout", "seed"}, "a load");
  if (!v.is_map()) {
    if (entry.node.IsNull())
      r.error(entry.where, fmt::format("load '{}' is empty", entry.key), "e.g. {closed: {concurrency: 4}}");
    return std::nullopt;
  }
  NamedLoad load{entry.key, {}, {}, std::nullopt};
  read_window(ctx, v, load.base);
  int patterns = 0;
  for (const char* key : {"closed", "open", "sweep"}) {
    const Field* f = v.get(key);
    if (!f) continue;
    if (++patterns > 1) {
      r.error(f->where, "a load has one pattern: closed, open or sweep", "define another load for the second pattern");
      continue;
    }
    if (f->key == "closed") read_closed(r, *f, load);
    if (f->key == "open") read_open(r, *f, load);
    if (f->key == "sweep") read_sweep(r, *f, load);
  }
  if (patterns == 0) {
    r.error(entry.where, fmt::format("load '{}' has no pattern", entry.key),
            "add one of closed: {concurrency: N}, open: {rate: R/s} or sweep: {kind: capacity, ...}");
  }
  if (load.levels.empty()) return std::nullopt;
  return load;
}

}  // namespace

void parse_loads(ParseContext& ctx, const Field& section, std::vector<NamedLoad>& out) {
  for (const auto& entry : named_entries(ctx.reader, section, "load")) {
    if (auto l = read_load(ctx, entry)) out.push_back(std::move(*l));
  }
}

}  // namespace deploybench::scenario::detail

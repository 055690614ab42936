// models:    {NAME: {preset | checkpoint, precision, threads, max_batch}}
// workloads: {NAME: {stream, input_tokens, max_tokens, fixed_output, prompts, system_prompt,
//                    temperature, seed}}
#include <fmt/format.h>

#include "scenario/detail/parse.h"

namespace deploybench::scenario::detail {
namespace {

std::optional<NamedModel> read_model(ParseContext& ctx, const Field& entry) {
  Reader& r = ctx.reader;
  MapView v(r, entry.node, entry.path, {"preset", "checkpoint", "precision", "threads", "max_batch"}, "a model");
  if (!v.is_map()) {
    if (entry.node.IsNull()) r.error(entry.where, fmt::format("model '{}' is empty", entry.key), "e.g. {preset: tiny}");
    return std::nullopt;
  }
  NamedModel m{entry.key, {}};
  if (v.get("preset") && v.get("checkpoint")) {
    r.error(v.get("checkpoint")->where, "give either preset or checkpoint, not both",
            "a checkpoint file replaces the preset's generated weights");
  }
  if (auto* f = v.get("preset")) m.spec.preset = read_choice(r, *f, {"tiny", "small", "base"}).value_or(m.spec.preset);
  if (auto* f = v.get("checkpoint")) m.spec.checkpoint = read_path(ctx, *f, true).value_or("");
  if (auto* f = v.get("precision")) {
    m.spec.precision = read_choice(r, *f, {"fp32", "int8"}).value_or(m.spec.precision);
  }
  if (auto* f = v.get("threads")) m.spec.threads = static_cast<int>(read_int(r, *f, 1, 256).value_or(m.spec.threads));
  if (auto* f = v.get("max_batch")) {
    m.spec.max_batch = static_cast<int>(read_int(r, *f, 1, 1024).value_or(m.spec.max_batch));
  }
  return m;
}

// input_tokens: 32 | {uniform: {min, max}} | {normal: {mean, stddev, min, max}}
std::optional<loadgen::LengthDistribution> read_lengths(Reader& r, const Field& f) {
  if (f.node.IsScalar()) {
    auto n = read_int(r, f, 1, 100000);
    if (!n) return std::nullopt;
    return loadgen::FixedLength{static_cast<int>(*n)};
  }
  MapView v(r, f.node, f.path, {"uniform", "normal"}, "'input_tokens'");
  if (!v.is_map() || v.fields().size() != 1) {
    if (v.is_map()) {
      r.error(f.where, "input_tokens takes one distribution", "e.g. {uniform: {min: 16, max: 128}}");
    }
    return std::nullopt;
  }
  const Field& d = v.fields().front();
  auto bound = [&](const MapView& m, const char* key, int fallback) {
    const Field* b = m.get(key);
    return b ? static_cast<int>(read_int(r, *b, 1, 100000).value_or(fallback)) : fallback;
  };
  if (d.key == "uniform") {
    MapView m(r, d.node, d.path, {"min", "max"}, "'uniform'");
    loadgen::UniformLength u{bound(m, "min", 16), bound(m, "max", 128)};
    if (u.min > u.max) r.error(d.where, "min is larger than max", "swap min and max");
    return u;
  }
  MapView m(r, d.node, d.path, {"mean", "stddev", "min", "max"}, "'normal'");
  loadgen::NormalLength n;
  if (auto* g = m.get("mean")) n.mean = read_number(r, *g, 1, 100000).value_or(n.mean);
  if (auto* g = m.get("stddev")) n.stddev = read_number(r, *g, 0, 100000).value_or(n.stddev);
  n.min = bound(m, "min", n.min);
  n.max = bound(m, "max", n.max);
  if (n.min > n.max) r.error(d.where, "min is larger than max", "swap min and max");
  return n;
}

std::optional<NamedWorkload> read_workload(ParseContext& ctx, const Field& entry, std::uint64_t seed) {
  Reader& r = ctx.reader;
  MapView v(r, entry.node, entry.path,
            {"stream", "input_tokens", "max_tokens", "fixed_output", "prompts", "system_prompt", "temperature", "seed"},
            "a workload");
  if (!v.is_map() && !entry.node.IsNull()) return std::nullopt;  // an empty entry takes every default
  NamedWorkload w;
  w.name = entry.key;
  w.where = entry.where;
  w.config.name = entry.key;
  w.config.seed = seed;
  if (auto* f = v.get("stream")) w.config.stream = read_bool(r, *f).value_or(true);
  if (auto* f = v.get("input_tokens")) {
    w.where = f->where;
    if (auto d = read_lengths(r, *f)) w.config.input_tokens = *d;
  }
  if (auto* f = v.get("max_tokens")) {
    w.config.max_tokens = static_cast<int>(read_int(r, *f, 1, 100000).value_or(w.config.max_tokens));
  }
  if (auto* f = v.get("fixed_output")) w.config.fix_output_length = read_bool(r, *f).value_or(true);
  if (auto* f = v.get("prompts")) {
    w.config.prompts_file = read_path(ctx, *f, true).value_or("");
    if (v.get("input_tokens")) {
      r.error(v.get("input_tokens")->where, "input_tokens has no effect with a prompts file",
              "remove input_tokens, or remove prompts to use synthetic prompts");
    }
  }
  if (auto* f = v.get("system_prompt")) w.config.system_prompt = read_string(r, *f).value_or("");
  if (auto* f = v.get("temperature")) w.config.temperature = read_number(r, *f, 0, 2).value_or(0);
  if (auto* f = v.get("seed")) {
    w.config.seed = static_cast<std::uint64_t>(read_int(r, *f, 0, INT64_MAX).value_or(static_cast<std::int64_t>(seed)));
  }
  return w;
}

}  // namespace

void parse_models(ParseContext& ctx, const Field& section, std::vector<NamedModel>& out) {
  for (const auto& entry : named_entries(ctx.reader, section, "model")) {
    if (auto m = read_model(ctx, entry)) out.push_back(std::move(*m));
  }
}

void parse_workloads(ParseContext& ctx, const Field& section, std::vector<NamedWorkload>& out) {
  for (const auto& entry : named_entries(ctx.reader, section, "workload")) {
    if (auto w = read_workload(ctx, entry, ctx.seed)) out.push_back(std::move(*w));
  }
}

}  // namespace deploybench::scenario::detail

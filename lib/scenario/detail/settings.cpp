#include "scenario/detail/settings.h"

#include <fmt/format.h>

#include <array>
#include <variant>

#include "scenario/detail/unit_text.h"

namespace deploybench::scenario::detail {
namespace {

std::string mask(std::string value, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    for (std::size_t pos = value.find(s); !s.empty() && pos != std::string::npos; pos = value.find(s, pos + 3)) {
      value.replace(pos, s.size(), "***");
    }
  }
  // Credentials in a URL (scheme://user:pass@host) are never shown.
  const std::size_t scheme = value.find("://");
  const std::size_t at = value.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const std::size_t slash = value.find('/', scheme + 3);
    if (slash == std::string::npos || at < slash) value.replace(scheme + 3, at - scheme - 3, "***");
  }
  return value;
}

std::string yes_no(bool b) { return b ? "true" : "false"; }

void add_limits(Settings& s, const target::ResourceLimits& limits) {
  if (limits.cpus) s.emplace_back("target.cpus", fmt::format("{:g}", *limits.cpus));
  if (limits.memory_bytes) s.emplace_back("target.memory", compact_bytes(*limits.memory_bytes));
  if (!limits.cpuset.empty()) s.emplace_back("target.cpuset", limits.cpuset);
}

void add_kind(Settings& s, const target::KindConfig& kind) {
  if (auto* l = std::get_if<target::LocalConfig>(&kind)) {
    s.emplace_back("target.command",
                   l->command.empty() ? "refbot (bundled)" : fmt::format("{}", fmt::join(l->command, " ")));
    s.emplace_back("target.health_path", l->health_path);
    add_limits(s, l->limits);
  } else if (auto* c = std::get_if<target::ContainerConfig>(&kind)) {
    s.emplace_back("target.runtime", c->runtime);
    s.emplace_back("target.image", c->image.empty() ? "refbot (bundled, built on demand)" : c->image);
    if (!c->args.empty()) s.emplace_back("target.args", fmt::format("{}", fmt::join(c->args, " ")));
    s.emplace_back("target.port", std::to_string(c->port));
    s.emplace_back("target.health_path", c->health_path);
    s.emplace_back("target.host_network", yes_no(c->host_network));
    s.emplace_back("target.watchdog", compact_duration(c->watchdog));
    add_limits(s, c->limits);
  } else if (auto* v = std::get_if<target::VmConfig>(&kind)) {
    s.emplace_back("target.vcpus", std::to_string(v->vcpus));
    s.emplace_back("target.memory", compact_bytes(v->memory_bytes));
    if (!v->cpuset.empty()) s.emplace_back("target.cpuset", v->cpuset);
    s.emplace_back("target.accel", v->accel);
    if (!v->cpu.empty()) s.emplace_back("target.cpu", v->cpu);  // the default is in the target's details
    if (!v->kernel.empty()) s.emplace_back("target.kernel", v->kernel.string());
    if (!v->initrd.empty()) s.emplace_back("target.initrd", v->initrd.string());
  } else if (auto* r = std::get_if<target::RemoteConfig>(&kind)) {
    s.emplace_back("target.base_url", r->base_url);
    if (!r->model.empty()) s.emplace_back("target.model", r->model);
    if (!r->api_key_env.empty()) s.emplace_back("target.api_key_env", r->api_key_env);
    s.emplace_back("target.verify_tls", yes_no(r->verify_tls));
    if (!r->ca_file.empty()) s.emplace_back("target.ca_file", r->ca_file.string());
    for (const auto& [name, value] : r->headers) s.emplace_back("target.headers." + name, "***");
  }
}

void add_model(Settings& s, const Cell& cell) {
  const target::ModelSpec& m = cell.target.model;
  s.emplace_back("model.name", cell.axes.at("model"));
  if (std::holds_alternative<target::RemoteConfig>(cell.target.kind)) return;  // the endpoint serves its own model
  if (m.checkpoint.empty())
    s.emplace_back("model.preset", m.preset);
  else
    s.emplace_back("model.checkpoint", m.checkpoint.string());
  s.emplace_back("model.precision", m.precision);
  s.emplace_back("model.threads", std::to_string(m.threads));
  s.emplace_back("model.max_batch", std::to_string(m.max_batch));
}

std::string lengths(const loadgen::LengthDistribution& d) {
  if (auto* f = std::get_if<loadgen::FixedLength>(&d)) return std::to_string(f->tokens);
  if (auto* u = std::get_if<loadgen::UniformLength>(&d)) return fmt::format("uniform({}..{})", u->min, u->max);
  const auto& n = std::get<loadgen::NormalLength>(d);
  return fmt::format("normal(mean {:g}, stddev {:g}, {}..{})", n.mean, n.stddev, n.min, n.max);
}

void add_workload(Settings& s, const loadgen::WorkloadConfig& w) {
  s.emplace_back("workload.name", w.name);
  s.emplace_back("workload.stream", yes_no(w.stream));
  if (w.prompts_file.empty())
    s.emplace_back("workload.input_tokens", lengths(w.input_tokens));
  else
    s.emplace_back("workload.prompts", w.prompts_file.string());
  s.emplace_back("workload.max_tokens", std::to_string(w.max_tokens));
  s.emplace_back("workload.fixed_output", yes_no(w.fix_output_length));
  if (!w.system_prompt.empty()) s.emplace_back("workload.system_prompt", w.system_prompt);
  s.emplace_back("workload.temperature", fmt::format("{:g}", w.temperature));
  s.emplace_back("workload.seed", std::to_string(w.seed));
}

void add_load(Settings& s, const Cell& cell) {
  const loadgen::LoadConfig& l = cell.load;
  s.emplace_back("load.name", cell.axes.at("load"));
  if (auto* c = std::get_if<loadgen::ClosedLoop>(&l.pattern)) {
    s.emplace_back("load.pattern", "closed");
    s.emplace_back("load.concurrency", std::to_string(c->concurrency));
    s.emplace_back("load.think_time", compact_duration(c->think_time));
  } else {
    const auto& o = std::get<loadgen::OpenLoop>(l.pattern);
    static constexpr std::array<const char*, 3> kArrival = {"constant", "poisson", "gamma"};
    s.emplace_back("load.pattern", cell.sweep ? "sweep" : "open");
    const bool auto_rate = cell.sweep && cell.sweep->role == SweepRole::AutoRate;
    s.emplace_back("load.rate",
                   auto_rate ? std::string("auto (from the measured bounds)") : fmt::format("{:.4g}/s", o.rate_per_s));
    s.emplace_back("load.arrival", kArrival[static_cast<std::size_t>(o.arrival)]);
    if (o.arrival == loadgen::Arrival::Gamma) s.emplace_back("load.burstiness", fmt::format("{:g}", o.burstiness));
    s.emplace_back("load.max_in_flight", std::to_string(o.max_in_flight));
    s.emplace_back("load.connections", o.connections == 0 ? "per request" : std::to_string(o.connections));
  }
  if (cell.sweep) {
    s.emplace_back("load.sweep_step", fmt::format("{}/{}", cell.sweep->index + 1, cell.sweep->count));
    s.emplace_back("load.sweep_stop", fmt::format("{}", fmt::join(cell.sweep->stop_slo, "; ")));
  }
  s.emplace_back("load.warmup", compact_duration(l.warmup));
  s.emplace_back("load.duration", compact_duration(l.duration));
  if (l.max_requests) s.emplace_back("load.max_requests", std::to_string(*l.max_requests));
  s.emplace_back("load.request_timeout", compact_duration(l.request_timeout));
  s.emplace_back("load.seed", std::to_string(l.seed));
}

}  // namespace

std::string_view kind_label(const target::KindConfig& kind) {
  static constexpr std::array<std::string_view, 4> kNames = {"local", "container", "vm", "remote"};
  return kNames[kind.index()];
}

Settings effective_settings(const Cell& cell, const std::vector<std::string>& secrets) {
  Settings s;
  s.emplace_back("target.name", cell.target.name);
  s.emplace_back("target.kind", std::string(kind_label(cell.target.kind)));
  add_kind(s, cell.target.kind);
  if (cell.target.network) {
    s.emplace_back("target.network.delay", compact_duration(cell.target.network->delay));
    s.emplace_back("target.network.jitter", compact_duration(cell.target.network->jitter));
  }
  s.emplace_back("target.ready_timeout", compact_duration(cell.target.ready_timeout));
  add_model(s, cell);
  add_workload(s, cell.workload);
  add_load(s, cell);
  s.emplace_back("repetition", std::to_string(cell.repetition));
  for (auto& [key, value] : s) value = mask(std::move(value), secrets);
  return s;
}

}  // namespace deploybench::scenario::detail

#include "scenario/detail/expand.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "core/rng.h"
#include "scenario/detail/settings.h"

namespace deploybench::scenario::detail {
namespace {

using namespace std::chrono_literals;

// One cell before repetitions: pointers into the spec plus its axis labels.
struct Proto {
  const NamedTarget* target;
  const NamedModel* model;
  const NamedWorkload* workload;
  const NamedLoad* load;
  std::size_t level;
  std::map<std::string, std::string> axes;
};
using Group = std::vector<Proto>;

template <typename Named>
std::vector<const Named*> chosen(const ScenarioSpec& spec, const std::vector<Named>& defined, const char* axis) {
  std::vector<const Named*> out;
  auto it = std::find_if(spec.matrix.begin(), spec.matrix.end(), [&](const AxisSpec& a) { return a.name == axis; });
  if (it == spec.matrix.end()) {  // an axis the matrix leaves out takes every defined entry
    for (const auto& entry : defined) out.push_back(&entry);
    return out;
  }
  for (const auto& [name, where] : it->values) {  // matrix order, names already checked
    for (const auto& entry : defined) {
      if (entry.name == name) out.push_back(&entry);
    }
  }
  return out;
}

bool matches(const ExcludeRule& rule, const std::map<std::string, std::string>& axes) {
  return std::all_of(rule.match.begin(), rule.match.end(), [&](const auto& m) {
    auto it = axes.find(m.first);
    return it != axes.end() && std::find(m.second.begin(), m.second.end(), it->second) != m.second.end();
  });
}

Proto make_proto(const NamedTarget* t, const NamedModel* m, const NamedWorkload* w, const NamedLoad* l,
                 std::size_t level) {
  Proto p{t, m, w, l, level, {}};
  p.axes["target"] = t->name;
  p.axes["kind"] = std::string(kind_label(t->config.kind));
  p.axes["model"] = m->name;
  p.axes["precision"] = m->spec.precision;
  p.axes["workload"] = w->name;
  p.axes["load"] = l->name;
  for (const auto& [axis, value] : l->levels[level].axes) p.axes[axis] = value;
  return p;
}

// Builds the groups (target x model) and applies exclude rules; `hits[i]` counts rule i.
// nullopt when the matrix alone exceeds kMaxCells (nothing is built then).
std::optional<std::vector<Group>> build_groups(const ScenarioSpec& spec, std::vector<int>& hits) {
  std::size_t levels = 0;
  for (const auto* l : chosen(spec, spec.loads, "load")) levels += l->levels.size();
  const std::size_t product = chosen(spec, spec.targets, "target").size() * chosen(spec, spec.models, "model").size() *
                              chosen(spec, spec.workloads, "workload").size() * levels;
  if (product > kMaxCells) return std::nullopt;

  std::vector<Group> groups;
  for (const auto* t : chosen(spec, spec.targets, "target")) {
    for (const auto* m : chosen(spec, spec.models, "model")) {
      Group g;
      for (const auto* w : chosen(spec, spec.workloads, "workload")) {
        for (const auto* l : chosen(spec, spec.loads, "load")) {
          for (std::size_t level = 0; level < l->levels.size(); ++level) {
            Proto p = make_proto(t, m, w, l, level);
            bool excluded = false;
            for (std::size_t i = 0; i < spec.excludes.size(); ++i) {
              if (matches(spec.excludes[i], p.axes)) {
                ++hits[i];
                excluded = true;
              }
            }
            if (!excluded) g.push_back(std::move(p));
          }
        }
      }
      if (!g.empty()) groups.push_back(std::move(g));
    }
  }
  return groups;
}

Cell make_cell(const Proto& p, int repetition) {
  Cell c;
  c.axes = p.axes;
  c.repetition = repetition;
  const LoadLevel& level = p.load->levels[p.level];
  c.id = fmt::format("{}/{}/{}/{}", p.target->name, p.model->name, p.workload->name, p.load->name);
  if (!level.label.empty()) c.id += "/" + level.label;
  c.id += fmt::format("/r{}", repetition);
  c.deployment_key = fmt::format("{}/{}#r{}", p.target->name, p.model->name, repetition);
  c.target = p.target->config;
  c.target.model = p.model->spec;
  c.workload = p.workload->config;
  c.load = p.load->base;
  if (p.target->duration) c.load.duration = *p.target->duration;
  c.load.pattern = level.pattern;
  if (p.load->sweep) {
    c.sweep = SweepStep{
        fmt::format("{}/{}/{}/{}/r{}", p.target->name, p.model->name, p.workload->name, p.load->name, repetition),
        static_cast<int>(p.level), static_cast<int>(p.load->levels.size()), p.load->sweep->stop_slo, level.role,
        level.rate_index, level.rate_count};
  }
  return c;
}

// The group order of each round: matrix order for round 1 (a single-repetition plan reads as
// written), then a seeded permutation per round that never starts with the group the previous
// round ended with, so repetitions of one target are never back to back.
std::vector<std::vector<std::size_t>> round_orders(std::size_t groups, int rounds, std::uint64_t seed) {
  Rng rng(derive_seed(seed, "order"));
  std::vector<std::vector<std::size_t>> out;
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::size_t> order(groups);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = groups; r > 0 && i > 1; --i) {  // round 1 keeps matrix order
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i) - 1))]);
    }
    if (!out.empty() && groups > 1 && order.front() == out.back().back()) std::swap(order[0], order[1]);
    out.push_back(std::move(order));
  }
  return out;
}

std::vector<Cell> order_cells(const ScenarioSpec& spec, const std::vector<Group>& groups) {
  std::vector<Cell> cells;
  if (spec.order == Order::Sequential) {
    for (const auto& g : groups) {
      for (int r = 1; r <= spec.repeat; ++r) {
        for (const auto& p : g) cells.push_back(make_cell(p, r));
      }
    }
    return cells;
  }
  const auto orders = round_orders(groups.size(), spec.repeat, spec.seed);
  for (int r = 1; r <= spec.repeat; ++r) {
    for (std::size_t gi : orders[static_cast<std::size_t>(r - 1)]) {
      for (const auto& p : groups[gi]) cells.push_back(make_cell(p, r));
    }
  }
  return cells;
}

}  // namespace

Nanos deploy_estimate(const target::KindConfig& kind) {
  switch (kind.index()) {
    case 0:
      return 2s;  // local: spawn + load weights
    case 1:
      return 4s;  // container: podman run + bridge setup (+ image build when cached)
    case 2:
      return 90s;  // vm: qemu TCG boot of a kernel + initramfs
    default:
      return 1s;  // remote: readiness probe only
  }
}

RunPlan expand(Reader& reader, const ScenarioSpec& spec) {
  RunPlan plan;
  plan.name = spec.name;
  plan.description = spec.description;
  plan.seed = spec.seed;
  plan.repeat = spec.repeat;
  plan.order = spec.order;
  plan.slo = spec.slo;
  plan.gate = spec.gate;
  plan.output = spec.output;
  std::vector<int> hits(spec.excludes.size(), 0);
  const auto built = build_groups(spec, hits);
  std::size_t count = 0;
  if (built) {
    for (const auto& g : *built) count += g.size();
  }
  if (!built || count * static_cast<std::size_t>(spec.repeat) > kMaxCells) {
    reader.error(spec.matrix_where.line > 0 ? spec.matrix_where : Where{"", 1, 1},
                 fmt::format("the plan has more than {} cells", kMaxCells),
                 "narrow the matrix or the levels, or split the scenario into several files");
    return plan;
  }
  const std::vector<Group>& groups = *built;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (hits[i] == 0) {
      reader.error(spec.excludes[i].where, "this exclude rule matches no cell",
                   "check its axis values against the matrix (e.g. precision: int8, concurrency: 4, rate: 8/s)");
    }
  }
  if (groups.empty()) {
    reader.error(spec.matrix_where, "the matrix is empty: every cell is excluded", "loosen the exclude rules");
    return plan;
  }
  plan.cells = order_cells(spec, groups);
  for (Cell& c : plan.cells) c.settings = effective_settings(c, reader.secrets());
  recount(plan);
  return plan;
}

void recount(RunPlan& plan) {
  plan.deployments = 0;
  plan.estimated_duration = Nanos{0};
  for (std::size_t i = 0; i < plan.cells.size(); ++i) {
    const Cell& c = plan.cells[i];
    if (i == 0 || plan.cells[i - 1].deployment_key != c.deployment_key) {
      ++plan.deployments;
      plan.estimated_duration += deploy_estimate(c.target.kind);
    }
    plan.estimated_duration += c.load.warmup + c.load.duration;
  }
}

}  // namespace deploybench::scenario::detail

#include "loadgen/load_config.h"

#include <fmt/core.h>

#include <cmath>

#include "loadgen/diagnostic.h"

namespace deploybench::loadgen {
namespace {

void check_closed(const ClosedLoop& c, std::vector<Diagnostic>& out) {
  if (c.concurrency < 1 || c.concurrency > 100000)
    out.push_back(diag("load.concurrency", fmt::format("must be between 1 and 100000, got {}", c.concurrency),
                       "set the number of virtual users, e.g. concurrency: 4"));
  if (c.think_time.count() < 0)
    out.push_back(diag("load.think_time", "must not be negative", "use 0s for no think time"));
}

void check_open(const OpenLoop& o, std::vector<Diagnostic>& out) {
  if (!(o.rate_per_s > 0) || !std::isfinite(o.rate_per_s) || o.rate_per_s > 1e6)
    out.push_back(diag("load.rate", fmt::format("must be above 0/s and at most 1000000/s, got {}/s", o.rate_per_s),
                       "e.g. rate: 8/s"));
  if (o.arrival == Arrival::Gamma && (!(o.burstiness > 0) || !std::isfinite(o.burstiness)))
    out.push_back(diag("load.burstiness", fmt::format("must be above 0, got {}", o.burstiness),
                       "1 is Poisson, below 1 is burstier, above 1 more regular"));
  if (o.max_in_flight < 1 || o.max_in_flight > 100000)
    out.push_back(diag("load.max_in_flight", fmt::format("must be between 1 and 100000, got {}", o.max_in_flight),
                       "requests beyond this cap are dropped and counted"));
  if (o.connections < 0 || o.connections > o.max_in_flight)
    out.push_back(diag("load.connections",
                       fmt::format("must be between 0 and max_in_flight ({}), got {}", o.max_in_flight, o.connections),
                       "0 uses one connection per in-flight request"));
}

}  // namespace

std::vector<Diagnostic> LoadConfig::validate() const {
  std::vector<Diagnostic> out;
  if (const auto* c = std::get_if<ClosedLoop>(&pattern)) check_closed(*c, out);
  if (const auto* o = std::get_if<OpenLoop>(&pattern)) check_open(*o, out);
  if (warmup.count() < 0) out.push_back(diag("load.warmup", "must not be negative", "use 0s to skip warmup"));
  if (duration.count() < 0) out.push_back(diag("load.duration", "must not be negative", "e.g. duration: 30s"));
  if (duration.count() == 0 && !max_requests)
    out.push_back(diag("load.duration", "a run needs a duration or a request count to stop",
                       "set duration (e.g. 30s) or requests (e.g. 200)"));
  if (max_requests && *max_requests == 0)
    out.push_back(diag("load.requests", "must be at least 1", "omit it to stop by duration only"));
  if (request_timeout.count() <= 0)
    out.push_back(diag("load.request_timeout", "must be above 0", "e.g. request_timeout: 60s"));
  return out;
}

}  // namespace deploybench::loadgen

#pragma once
// Overhead attribution within one run: for each deployment (container, VM, remote) against the
// local process at the same other axes, the difference in TTFT and E2E (mean, p50, p95), split into
//   network  = Δfirst_byte - Δqueue - Δprefill
//                                       first_byte is the client's time from send to the first
//                                       response byte (curl starttransfer, so it includes any
//                                       connection setup); refbot sends its headers with the first
//                                       token, after queue and prefill, so what remains is
//                                       connection setup, transit both ways and any proxy delay
//   queue    = Δqueue                   refbot's Server-Timing: waiting for the engine
//   prefill  = Δprefill                 Server-Timing: prompt processing
//   decode   = Δdecode                  Server-Timing: token generation (E2E only)
//   rest     = Δtotal - the above       client overhead, scheduling, and the non-additivity of
//                                       percentiles (a p95 of a sum is not the sum of p95s)
// Means add up (the mean of a sum is the sum of the means), so in the mean rows `rest` is only
// the client's own time after the first byte; the sentences use them. Percentile rows need not.
// A component whose timing was not measured on both sides is reported as missing and its share
// stays in `rest`.
#include <optional>
#include <string>
#include <vector>

#include "result/run_result.h"

namespace deploybench::report {

struct OverheadComponent {
  std::string name;          // network | queue | prefill | decode
  std::optional<double> ms;  // nullopt: not measured on both sides
};

struct OverheadRow {
  std::string deployment;                                   // cell label of the deployment
  std::string kind;                                         // the deployment's target kind: "container", "vm", "remote"
  std::string baseline;                                     // cell label of the local process cell
  std::string metric;                                       // "ttft_mean", "ttft_p50", ..., "e2e_p95"
  double baseline_ms = 0, deployment_ms = 0, total_ms = 0;  // total = deployment - baseline
  std::vector<OverheadComponent> components;
  double rest_ms = 0;
};

/// What a reader of the overhead table needs to know about its `rest` column.
inline constexpr const char* kAdditivityNote =
    "Means add up, so in the mean rows rest is the client's own time after the first byte; the parts of a "
    "percentile need not add up to it (a p95 of a sum is not the sum of p95s), and rest takes the difference.";

/// True for the rows whose parts add up exactly (means): the ones worth a sentence.
bool is_additive(const OverheadRow& row);

/// Rows for every non-local cell that has a local cell with the same axes (ignoring "target")
/// and the same repetition. Empty when the run has no local baseline. Pure.
std::vector<OverheadRow> attribute_overhead(const result::ResultSet& results);

/// "podman/chat/c1 (container) adds 5.50 ms to TTFT mean over local/chat/c1 (25.7 ms vs 20.2 ms):
///  network 4.00 ms, queue 0.50 ms, prefill 0.00 ms, rest 1.00 ms"
std::string overhead_sentence(const OverheadRow& row);

/// "TTFT p50" for "ttft_p50".
std::string metric_title(const std::string& key);

}  // namespace deploybench::report

#pragma once
// Overhead attribution within one run: for each deployment (container, VM, remote) against the
// local process at the same other axes, the difference in TTFT and E2E at p50 and p95, split into
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
  std::string metric;                                       // "ttft_p50", "ttft_p95", "e2e_p50", "e2e_p95"
  double baseline_ms = 0, deployment_ms = 0, total_ms = 0;  // total = deployment - baseline
  std::vector<OverheadComponent> components;
  double rest_ms = 0;
};

/// Rows for every non-local cell that has a local cell with the same axes (ignoring "target")
/// and the same repetition. Empty when the run has no local baseline. Pure.
std::vector<OverheadRow> attribute_overhead(const result::ResultSet& results);

/// "podman/chat/c1 (container) adds 5.50 ms to TTFT p50 over local/chat/c1 (25.7 ms vs 20.2 ms):
///  network 4.00 ms, queue 0.50 ms, prefill 0.00 ms, rest 1.00 ms"
std::string overhead_sentence(const OverheadRow& row);

/// "TTFT p50" for "ttft_p50".
std::string metric_title(const std::string& key);

}  // namespace deploybench::report

#pragma once
// Small blocking HTTP GETs for readiness probes and metric scrapes (libcurl;
// TLS verified).
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::target {

struct HttpReply {
  long status = 0;
  std::string body;  // capped at 1 MiB
};

struct HttpGet {
  std::string url;
  Nanos timeout{std::chrono::seconds{2}};
  std::string bearer;  // Authorization: Bearer ...; a secret, never logged
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle to trust instead of the system store (optional)
  std::vector<std::pair<std::string, std::string>> headers{};  // extra headers (credentials: never logged)
};

/// One GET. An Error for transport failures: Timeout or Unavailable for those
/// worth retrying (refused, timeout), Failed with a hint for an untrusted
/// certificate or an unreadable CA file. Any HTTP status is a reply. Thread-safe.
Result<HttpReply> http_get(const HttpGet& request);

/// Ok unless `cancel` (may be null) is set: then an Error saying the wait for `what` was
/// interrupted. Every loop waiting for a target to come up checks it, so Ctrl-C is not held up
/// by a ready_timeout of minutes.
Status not_interrupted(const std::atomic<bool>* cancel, const std::string& what);

/// Polls `request` until it returns HTTP 200, `deadline` passes (Error Timeout
/// naming the URL and the last failure), `still_alive` returns an Error (the
/// process died: returned as is) or `cancel` is set (not_interrupted's Error).
/// Each attempt uses the request's own timeout, so a server that accepts
/// connections but never answers (slirp's hostfwd before the guest listens)
/// does not stall the probe.
Status wait_until_ready(const HttpGet& request, TimePoint deadline, const std::atomic<bool>* cancel,
                        const std::function<Status()>& still_alive);

/// What a deployed refbot says it runs: data[0].description of GET <base_url>/v1/models (e.g.
/// "tiny int8 (15.2M params, synthetic, avx2 kernels, 1 threads)"), so results show which
/// kernels a VM's CPU model gave it. nullopt when the server does not answer or has none.
std::optional<std::string> served_model_description(const std::string& base_url);

/// Value of an unlabelled sample in Prometheus text exposition format, e.g.
/// "refbot_process_cpu_seconds_total 1.25" -> 1.25; nullopt when absent.
std::optional<double> prometheus_value(std::string_view text, std::string_view metric);

}  // namespace deploybench::target

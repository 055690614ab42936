#pragma once
// Stop sequences over streamed text. A stop sequence can complete several tokens after it
// began, so text that could still turn out to be the start of one is held back instead of
// streamed (as vLLM does): the streamed text never contains a stop sequence or anything after
// it, and it equals the non-streamed reply.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace deploybench::serve {

struct StopScan {
  std::size_t release = 0;  // leading bytes of the pending text that are safe to stream
  bool stopped = false;     // a stop sequence starts at `release`; the rest is dropped
};

/// Scans `pending` (generated text not streamed yet, which by construction holds the start
/// of any stop sequence not yet ruled out) for `stops` (non-empty strings). Without a match,
/// holds back the longest suffix that is a proper prefix of some stop sequence.
StopScan scan_stops(std::string_view pending, const std::vector<std::string>& stops);

}  // namespace deploybench::serve

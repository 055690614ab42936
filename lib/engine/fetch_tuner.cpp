#include "engine/fetch_tuner.h"

#include "core/check.h"

namespace deploybench::engine {

FetchTuner::FetchTuner(int period, int trial) : period_(period), trial_(trial) {
  DEPLOYBENCH_CHECK(trial >= 2 && trial % 2 == 0 && trial < period)
      << "FetchTuner: trial " << trial << " of " << period;
}

Fetch FetchTuner::next() const {
  if (!trying_other()) return current_;
  return current_ == Fetch::Ahead ? Fetch::Hardware : Fetch::Ahead;
}

void FetchTuner::record(double seconds, int batch) {
  if (in_trial()) {
    if (step_ == period_ - trial_) trial_batch_ = batch;
    comparable_ = comparable_ && batch == trial_batch_;
    (trying_other() ? other_seconds_ : current_seconds_) += seconds;
  }
  if (++step_ < period_) return;
  if (comparable_ && other_seconds_ < current_seconds_) {
    current_ = current_ == Fetch::Ahead ? Fetch::Hardware : Fetch::Ahead;
    ++switches_;
  }
  step_ = 0;
  current_seconds_ = other_seconds_ = 0;
  comparable_ = true;
}

}  // namespace deploybench::engine

#pragma once
// Chooses the fp32 kernels' Fetch (kernels.h) while a model decodes. Neither way of bringing
// weights in is best everywhere: on one host, base fp32 batch 1 decoded at 0.95-0.98 of the
// roofline with software prefetch and 0.88 without while the machine read ~40 GB/s, and at
// 0.73-0.84 with it and 0.83-0.90 without while it read 50-66 GB/s, and the same machine moves
// between those phases within seconds. So the tuner keeps timing both on the live steps: in every
// window of `period` decode steps, the last `trial` alternate between the other way and the
// current one, and the faster of the two, by its trial steps' summed time, becomes current. Both
// give the same results, so the choice never changes what the model computes.
#include "engine/kernels.h"

namespace deploybench::engine {

class FetchTuner {
 public:
  /// `trial` even and < `period`.
  explicit FetchTuner(int period = 64, int trial = 8);

  /// The way to run the coming decode step.
  Fetch next() const;
  /// That step's time and batch size. A window whose trial steps do not share one batch size
  /// decides nothing (their times are not comparable).
  void record(double seconds, int batch);

  Fetch current() const { return current_; }
  /// How many windows switched the choice so far.
  int switches() const { return switches_; }

 private:
  bool in_trial() const { return step_ >= period_ - trial_; }
  bool trying_other() const { return in_trial() && (step_ - (period_ - trial_)) % 2 == 0; }

  int period_, trial_;
  int step_ = 0;
  Fetch current_ = Fetch::Ahead;
  double current_seconds_ = 0, other_seconds_ = 0;
  int trial_batch_ = 0;
  bool comparable_ = true;
  int switches_ = 0;
};

}  // namespace deploybench::engine

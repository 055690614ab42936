#pragma once
// Injected time source (style rule 7): production code uses SystemClock, tests a fake.
#include "core/units.h"

namespace deploybench {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time. Thread-safe.
  virtual TimePoint now() const = 0;
  /// Blocks until `deadline` (returns at once if it has passed).
  virtual void sleep_until(TimePoint deadline) const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
  void sleep_until(TimePoint deadline) const override;
};

}  // namespace deploybench

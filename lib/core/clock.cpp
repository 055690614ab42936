#include "core/clock.h"

#include <thread>

namespace deploybench {
TimePoint SystemClock::now() const { return SteadyClock::now(); }
void SystemClock::sleep_until(TimePoint deadline) const { std::this_thread::sleep_until(deadline); }
}  // namespace deploybench

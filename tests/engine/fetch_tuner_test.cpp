#include "engine/fetch_tuner.h"

#include <catch2/catch.hpp>

using namespace deploybench::engine;

namespace {
// Runs `windows` windows of decode steps, each step taking `ahead` or `hardware` seconds as the
// tuner asks; returns how many steps ran each way.
struct Counts {
  int ahead = 0, hardware = 0;
};
Counts drive(FetchTuner& t, int windows, int period, double ahead, double hardware, int batch = 1) {
  Counts c;
  for (int s = 0; s < windows * period; ++s) {
    const Fetch f = t.next();
    (f == Fetch::Ahead ? c.ahead : c.hardware)++;
    t.record(f == Fetch::Ahead ? ahead : hardware, batch);
  }
  return c;
}
}  // namespace

TEST_CASE("the fetch tuner starts with prefetch and tries the other way only in each window's trial") {
  FetchTuner t(16, 4);
  CHECK(t.current() == Fetch::Ahead);
  const Counts c = drive(t, 1, 16, 0.010, 0.012);
  CHECK(c.ahead == 14);  // 12 steps before the trial, then 2 of its 4
  CHECK(c.hardware == 2);
  CHECK(t.current() == Fetch::Ahead);  // the other way was slower: no switch
  CHECK(t.switches() == 0);
}

TEST_CASE("the fetch tuner switches to the faster way and back when the host changes") {
  FetchTuner t(16, 4);
  drive(t, 1, 16, 0.012, 0.010);  // hardware prefetch faster: one window decides
  CHECK(t.current() == Fetch::Hardware);
  const Counts c = drive(t, 3, 16, 0.012, 0.010);
  CHECK(t.current() == Fetch::Hardware);
  CHECK(c.hardware == 3 * 14);
  drive(t, 1, 16, 0.009, 0.010);  // the host's phase changed: software prefetch faster again
  CHECK(t.current() == Fetch::Ahead);
  CHECK(t.switches() == 2);
}

TEST_CASE("a trial whose steps differ in batch size decides nothing") {
  FetchTuner t(8, 4);
  for (int s = 0; s < 8; ++s) {
    const Fetch f = t.next();
    // The trial's steps (4-7): the other way is faster, but its batch differs from the first's.
    t.record(f == Fetch::Ahead ? 0.012 : 0.001, s < 6 ? 1 : 8);
  }
  CHECK(t.current() == Fetch::Ahead);
  drive(t, 1, 8, 0.012, 0.001, 8);  // a window of one batch size does switch
  CHECK(t.current() == Fetch::Hardware);
}

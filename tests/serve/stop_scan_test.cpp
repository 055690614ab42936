#include "serve/stop_scan.h"

#include <catch2/catch.hpp>

using namespace deploybench::serve;

TEST_CASE("text that cannot start a stop sequence is released whole", "[serve][stop]") {
  const auto s = scan_stops("The key-value cache ", {"attention"});
  CHECK(s.release == 20);
  CHECK_FALSE(s.stopped);
}

TEST_CASE("a suffix that may still become a stop sequence is held back", "[serve][stop]") {
  auto s = scan_stops("stores the atte", {"attention"});
  CHECK(s.release == 11);  // "atte" held
  CHECK_FALSE(s.stopped);
  // The longest such suffix: "aat" may begin "aat!", not only "at!".
  s = scan_stops("xaat", {"aat!", "at!"});
  CHECK(s.release == 1);
  s = scan_stops("the a", {"zzz", "ab"});
  CHECK(s.release == 4);
}

TEST_CASE("a complete stop sequence ends the text at its start", "[serve][stop]") {
  auto s = scan_stops("the attention heads", {"attention"});
  CHECK(s.stopped);
  CHECK(s.release == 4);
  // The earliest of several, and a match at the very start.
  s = scan_stops("one two three", {"three", "two"});
  CHECK(s.stopped);
  CHECK(s.release == 4);
  s = scan_stops("stop", {"stop"});
  CHECK(s.stopped);
  CHECK(s.release == 0);
}

// How cells are named and matched across repetitions and runs.
#include "result/cell_key.h"

#include <catch2/catch.hpp>

using namespace deploybench;

TEST_CASE("cell keys: base id, match key and sweep steps", "[result]") {
  result::CellResult c;
  c.cell_id = "local/tiny-int8/chat/capacity/s2/r3";
  c.repetition = 3;
  CHECK(result::cell_base_id(c) == "local/tiny-int8/chat/capacity/s2");
  CHECK(result::cell_match_key(c) == "local/tiny-int8/chat/capacity/s2");  // no axes: the base id
  c.axes = {{"target", "local"}, {"rate", "auto"}, {"step", "2"}};
  CHECK(result::cell_match_key(c) == "rate=auto,step=2,target=local");
  CHECK(result::cell_match_key(c, {"target"}) == "rate=auto,step=2");
  CHECK_FALSE(result::is_sweep_step(c));
  c.settings = {{"load.rate", "7.5/s"}, {"load.sweep_step", "4/6"}};
  CHECK(result::is_sweep_step(c));
}

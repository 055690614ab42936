// What target/ knows of refbot's presets without including engine/ (scenario/ warns with it).
#include <catch2/catch.hpp>

#include "engine/config.h"
#include "target/target_config.h"

using namespace deploybench;
using namespace deploybench::target;

TEST_CASE("preset context lengths match the engine's presets", "[target][config]") {
  for (const char* preset : {"tiny", "small", "base"}) {
    INFO(preset);
    REQUIRE(engine::preset_config(preset));
    CHECK(preset_context_length(preset) == engine::preset_config(preset)->seq_len);
  }
  CHECK_FALSE(preset_context_length("huge"));
  CHECK_FALSE(engine::preset_config("huge"));
}

TEST_CASE("serves_refbot: the bundled server, not the user's own", "[target][config]") {
  TargetConfig t;
  CHECK(serves_refbot(t));  // a local target without a command
  LocalConfig own_command;
  own_command.command = {"my-server", "--port", "{port}"};
  t.kind = own_command;
  CHECK_FALSE(serves_refbot(t));
  ContainerConfig container;
  t.kind = container;
  CHECK(serves_refbot(t));
  container.image = "ghcr.io/me/server:1";
  t.kind = container;
  CHECK_FALSE(serves_refbot(t));
  VmConfig vm;
  t.kind = vm;
  CHECK(serves_refbot(t));
  RemoteConfig remote;
  t.kind = remote;
  CHECK_FALSE(serves_refbot(t));
}

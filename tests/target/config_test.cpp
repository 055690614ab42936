#include <catch2/catch.hpp>

#include "target/target_config.h"

using namespace deploybench;
using namespace deploybench::target;

namespace {
bool has_path(const std::vector<Diagnostic>& d, const std::string& path) {
  for (const auto& x : d) {
    if (x.path == path) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("default configs of every kind validate", "[target][config]") {
  for (KindConfig kind : {KindConfig{LocalConfig{}}, KindConfig{ContainerConfig{}}, KindConfig{VmConfig{}}}) {
    TargetConfig c{"t1", kind, {}, {}, std::chrono::seconds{5}};
    INFO(kind_name(kind));
    CHECK(c.validate().empty());
  }
  TargetConfig remote{
      "r", RemoteConfig{"http://127.0.0.1:8080", "m", "API_KEY", true, {}, {}}, {}, {}, std::chrono::seconds{5}};
  CHECK(remote.validate().empty());
}

TEST_CASE("kind_name names each alternative", "[target][config]") {
  CHECK(kind_name(LocalConfig{}) == "local");
  CHECK(kind_name(ContainerConfig{}) == "container");
  CHECK(kind_name(VmConfig{}) == "vm");
  CHECK(kind_name(RemoteConfig{}) == "remote");
}

TEST_CASE("validate reports every problem with its path", "[target][config]") {
  TargetConfig c;
  c.name = "bad name";
  c.model.preset = "huge";
  c.model.precision = "fp16";
  c.model.threads = 0;
  LocalConfig local;
  local.health_path = "health";
  local.limits.cpus = -1;
  local.limits.memory_bytes = 1024;
  local.limits.cpuset = "1-x";
  c.kind = local;
  c.network = NetworkEmulation{std::chrono::milliseconds{5}, std::chrono::milliseconds{10}};
  const auto d = c.validate();
  CHECK(has_path(d, "targets.bad name.name"));
  CHECK(has_path(d, "targets.bad name.model.preset"));
  CHECK(has_path(d, "targets.bad name.model.precision"));
  CHECK(has_path(d, "targets.bad name.model.threads"));
  CHECK(has_path(d, "targets.bad name.health_path"));
  CHECK(has_path(d, "targets.bad name.limits.cpus"));
  CHECK(has_path(d, "targets.bad name.limits.memory"));
  CHECK(has_path(d, "targets.bad name.limits.cpuset"));
  CHECK(has_path(d, "targets.bad name.network.jitter"));
  CHECK(d.size() == 9);
}

TEST_CASE("container, vm and remote specific checks", "[target][config]") {
  ContainerConfig ctr;
  ctr.runtime = "lxc";
  ctr.port = 0;
  ctr.args = {"--x"};
  TargetConfig c{"c", ctr, {}, {}, std::chrono::seconds{5}};
  auto d = c.validate();
  CHECK(has_path(d, "targets.c.runtime"));
  CHECK(has_path(d, "targets.c.port"));
  CHECK(has_path(d, "targets.c.args"));

  VmConfig vm;
  vm.vcpus = 0;
  vm.memory_bytes = 1 << 20;
  vm.accel = "hvf";
  TargetConfig v{"v", vm, {}, {}, std::chrono::seconds{5}};
  v.model.checkpoint = "/tmp/x.bin";
  d = v.validate();
  CHECK(has_path(d, "targets.v.vcpus"));
  CHECK(has_path(d, "targets.v.memory"));
  CHECK(has_path(d, "targets.v.accel"));
  CHECK(has_path(d, "targets.v.model.checkpoint"));
  CHECK_FALSE(has_path(d, "targets.v.cpu"));

  VmConfig cpu;
  cpu.cpu = "max; rm -rf /";
  CHECK(has_path(TargetConfig{"v", cpu, {}, {}, std::chrono::seconds{5}}.validate(), "targets.v.cpu"));
  cpu.cpu = "host";  // needs KVM; accel auto may fall back to TCG
  CHECK(has_path(TargetConfig{"v", cpu, {}, {}, std::chrono::seconds{5}}.validate(), "targets.v.cpu"));
  cpu.accel = "kvm";
  CHECK(TargetConfig{"v", cpu, {}, {}, std::chrono::seconds{5}}.validate().empty());
  cpu.accel = "tcg";
  cpu.cpu = "Skylake-Server,+avx512f,-hle";
  CHECK(TargetConfig{"v", cpu, {}, {}, std::chrono::seconds{5}}.validate().empty());

  TargetConfig r{"r", RemoteConfig{"ftp://x", "", "sk-live-123!", true, {}, {}}, {}, {}, std::chrono::seconds{5}};
  d = r.validate();
  CHECK(has_path(d, "targets.r.base_url"));
  CHECK(has_path(d, "targets.r.api_key_env"));
  r.kind = RemoteConfig{"https://api.example.com", "m", "", true, {}, {}};
  r.network = NetworkEmulation{std::chrono::milliseconds{40}, {}};
  CHECK(has_path(r.validate(), "targets.r.network"));
}

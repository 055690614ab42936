#include "engine/isa_choice.h"

#include <catch2/catch.hpp>

#include "engine/bench.h"
#include "engine/model.h"

using namespace deploybench::engine;

TEST_CASE("a kernel path by name must be one the CPU runs, auto the detected best") {
  const Isa best = detect_isa();
  REQUIRE(choose_isa("auto").ok());
  CHECK(choose_isa("auto").value() == best);
  REQUIRE(choose_isa("portable").ok());  // every CPU runs the portable path
  CHECK(choose_isa("portable").value() == Isa::Portable);
  const struct {
    const char* name;
    Isa isa;
  } paths[] = {{"avx2", Isa::Avx2}, {"avx512", Isa::Avx512Vnni}, {"avx512-vnni", Isa::Avx512Vnni}};
  for (const auto& p : paths) {
    INFO(p.name << " on a CPU whose best path is " << to_string(best));
    auto chosen = choose_isa(p.name);
    const bool runs = static_cast<int>(p.isa) <= static_cast<int>(best);
    CHECK(chosen.ok() == runs);
    if (chosen.ok()) CHECK(chosen.value() == p.isa);
    if (!chosen.ok()) {
      CHECK(chosen.error().message.find(p.name) != std::string::npos);
      CHECK(chosen.error().message.find(std::string(to_string(best))) != std::string::npos);
    }
  }
}

TEST_CASE("an unknown kernel path name is a usage error with a did-you-mean hint") {
  auto r = choose_isa("avx-512");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == deploybench::ErrorCode::InvalidArgument);
  CHECK(r.error().message.find("'avx-512'") != std::string::npos);
  CHECK(r.error().hint.find("avx512") != std::string::npos);
  CHECK_FALSE(choose_isa("").ok());
}

TEST_CASE("a model and bench rows run on the forced kernel path") {
  ModelOptions mo;
  mo.isa = "portable";
  auto model = load_model(mo);
  REQUIRE(model.ok());
  CHECK(model.value()->description().find("portable") != std::string::npos);
  mo.isa = "sse9";
  CHECK_FALSE(load_model(mo).ok());

  BenchOptions o;
  o.presets = {"tiny"};
  o.precisions = {Precision::Int8};
  o.threads = {1};
  o.batches = {1};
  o.prompt_tokens = 2;
  o.decode_steps = 1;
  o.repeats = 1;
  o.bandwidth_bytes = 1u << 20;
  o.isa = "portable";
  auto rows = run_bench(o);
  REQUIRE(rows.ok());
  REQUIRE(rows.value().size() == 1);
  CHECK(rows.value()[0].isa == "portable");
  o.isa = "nope";
  CHECK_FALSE(o.validate().ok());
}

#include "loadgen/workload.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "loadgen/load_config.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;

TEST_CASE("chat bodies fix the output length and ask for usage") {
  WorkloadConfig w;
  w.max_tokens = 77;
  const auto body = nlohmann::json::parse(build_chat_body({{"user", "hi"}}, "m1", w));
  REQUIRE(body["model"] == "m1");
  REQUIRE(body["max_tokens"] == 77);
  REQUIRE(body["min_tokens"] == 77);
  REQUIRE(body["stream"] == true);
  REQUIRE(body["stream_options"]["include_usage"] == true);
  REQUIRE(body["messages"][0]["content"] == "hi");
  w.fix_output_length = false;
  w.stream = false;
  const auto plain = nlohmann::json::parse(build_chat_body({{"user", "hi"}}, "m1", w));
  REQUIRE_FALSE(plain.contains("min_tokens"));
  REQUIRE_FALSE(plain.contains("stream_options"));
}

TEST_CASE("synthetic prompts follow the length distribution and the seed") {
  WorkloadConfig w;
  w.input_tokens = UniformLength{10, 20};
  w.system_prompt = "be brief";
  const auto a = materialise(w, "m", 200);
  const auto b = materialise(w, "m", 200);
  REQUIRE(a.ok());
  REQUIRE(a->size() == 200);
  int lo = 1000, hi = 0;
  for (std::size_t i = 0; i < a->size(); ++i) {
    REQUIRE((*a)[i].body == (*b)[i].body);
    const int words = (*a)[i].input_tokens - 2;  // minus the system prompt's two words
    lo = std::min(lo, words);
    hi = std::max(hi, words);
  }
  REQUIRE(lo == 10);
  REQUIRE(hi == 20);
  w.seed = 2;
  REQUIRE(materialise(w, "m", 1)->front().body != a->front().body);
  w.input_tokens = NormalLength{50, 100, 5, 60};
  const auto normal = materialise(w, "m", 100);
  REQUIRE(normal.ok());
  for (const auto& r : normal.value()) REQUIRE((r.input_tokens - 2 >= 5 && r.input_tokens - 2 <= 60));
}

TEST_CASE("prompts files are read line by line and errors name the line") {
  const auto dir = std::filesystem::temp_directory_path() / "deploybench_workload_test";
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.jsonl";
  std::ofstream(good) << R"({"messages":[{"role":"user","content":"one two three"}]})"
                      << "\n\n"
                      << R"({"messages":[{"role":"system","content":"s"},{"role":"user","content":"x"}]})"
                      << "\n";
  WorkloadConfig w;
  w.prompts_file = good;
  const auto r = materialise(w, "m", 5);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 5);
  REQUIRE((*r)[0].input_tokens == 3);
  REQUIRE((*r)[1].input_tokens == 2);
  REQUIRE((*r)[2].body == (*r)[0].body);  // cycled

  const auto bad = dir / "bad.jsonl";
  std::ofstream(bad) << R"({"messages":[{"role":"user","content":"ok"}]})"
                     << "\n"
                     << R"({"messages":[{"role":1}]})"
                     << "\n";
  w.prompts_file = bad;
  const auto e = materialise(w, "m", 1);
  REQUIRE_FALSE(e.ok());
  REQUIRE_THAT(e.error().message, Catch::Contains("bad.jsonl:2"));
  w.prompts_file = dir / "missing.jsonl";
  REQUIRE(materialise(w, "m", 1).error().code == ErrorCode::NotFound);
  std::filesystem::remove_all(dir);
}

TEST_CASE("config validation reports every problem with its path") {
  LoadConfig l;
  l.pattern = OpenLoop{0, Arrival::Gamma, -1, 0, 5};
  l.duration = 0s;
  const auto d = l.validate();
  std::vector<std::string> paths;
  for (const auto& x : d) paths.push_back(x.path);
  REQUIRE_THAT(paths, Catch::VectorContains(std::string("load.rate")));
  REQUIRE_THAT(paths, Catch::VectorContains(std::string("load.burstiness")));
  REQUIRE_THAT(paths, Catch::VectorContains(std::string("load.max_in_flight")));
  REQUIRE_THAT(paths, Catch::VectorContains(std::string("load.connections")));
  REQUIRE_THAT(paths, Catch::VectorContains(std::string("load.duration")));
  REQUIRE(LoadConfig{}.validate().empty());

  WorkloadConfig w;
  w.input_tokens = UniformLength{50, 10};
  w.max_tokens = 0;
  REQUIRE(w.validate().size() == 2);
  REQUIRE(WorkloadConfig{}.validate().empty());
}

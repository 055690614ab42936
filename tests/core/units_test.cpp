#include <catch2/catch.hpp>

#include "core/units.h"

using namespace deploybench;
using namespace std::chrono_literals;

TEST_CASE("durations parse with their unit", "[core][units]") {
  CHECK(parse_duration("250ms").value() == 250ms);
  CHECK(parse_duration("1.5s").value() == 1500ms);
  CHECK(parse_duration("30s").value() == 30s);
  CHECK(parse_duration("2m").value() == 120s);
  CHECK(parse_duration("10us").value() == 10us);
  CHECK(parse_duration(" 5 s ").value() == 5s);
}

TEST_CASE("durations without or with a bad unit are errors with hints", "[core][units]") {
  auto bare = parse_duration("30");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().message.find("no unit") != std::string::npos);
  CHECK_FALSE(bare.error().hint.empty());
  CHECK_FALSE(parse_duration("5 parsecs").ok());
  CHECK_FALSE(parse_duration("-1s").ok());
  CHECK_FALSE(parse_duration("").ok());
  CHECK_FALSE(parse_duration("ms").ok());
}

TEST_CASE("sizes are powers of 1024", "[core][units]") {
  CHECK(parse_bytes("512m").value() == 512ull << 20);
  CHECK(parse_bytes("2g").value() == 2ull << 30);
  CHECK(parse_bytes("2GiB").value() == 2ull << 30);
  CHECK(parse_bytes("1.5k").value() == 1536);
  CHECK(parse_bytes("100").value() == 100);
  CHECK_FALSE(parse_bytes("2x").ok());
}

TEST_CASE("rates and fractions", "[core][units]") {
  CHECK(parse_rate("8/s").value() == Approx(8.0));
  CHECK(parse_rate("120/m").value() == Approx(2.0));
  CHECK_FALSE(parse_rate("0/s").ok());
  CHECK(parse_fraction("1%").value() == Approx(0.01));
  CHECK(parse_fraction("0.5").value() == Approx(0.5));
  CHECK_FALSE(parse_fraction("150%").ok());
}

TEST_CASE("durations format with a unit", "[core][units]") {
  CHECK(format_duration(812us) == "812us");
  CHECK(format_duration(12300us) == "12.3ms");
  CHECK(format_duration(4200ms) == "4.20s");
  CHECK(format_bytes(512ull << 20) == "512.0 MiB");
}

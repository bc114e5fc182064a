// The binary scenario buffer (io/scenario_binary.hpp): every number back bit for bit, every field kept, and a
// malformed buffer refused with a message (never read past its end, never a crash).
#include <catch2/catch.hpp>

#include <cstring>

#include "core/error.hpp"
#include "io/scenario_binary.hpp"
#include "io/scenario_json.hpp"
#include "support/random_scenario.hpp"

namespace {

void expect_refused(const std::string& bytes, const std::string& part) {
  try {
    ap::io::scenario_from_binary(bytes);
    FAIL("accepted a malformed buffer, expected: " << part);
  } catch (const ap::core::InputError& e) {
    INFO(e.error.what());
    CHECK(e.error.what().find(part) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("binary scenario: round trip is exact and equals the JSON round trip") {
  std::mt19937 rng(77);
  for (int trial = 0; trial < 12; ++trial) {
    ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 3 == 0));
    s.mask = ap::test::random_mask(rng, ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()], s.n(), s.m());
    s.positional = ap::test::random_positional(rng, s);
    s.query.x(0, 0) = 5e-324;  // a subnormal and a negative zero survive too
    if (s.d_model() > 1) s.query.x(0, 1) = -0.0;
    ap::core::validate_scenario(s);
    const ap::core::Scenario back = ap::io::scenario_from_binary(ap::io::scenario_to_binary(s));
    CHECK(ap::io::scenario_to_string(back) == ap::io::scenario_to_string(s));
    CHECK(std::memcmp(back.query.x.data(), s.query.x.data(), sizeof(double) * static_cast<std::size_t>(s.query.x.size())) == 0);
  }
}

TEST_CASE("binary scenario: malformed buffers are refused by name") {
  std::mt19937 rng(78);
  const ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{3, 0, 4, 1, 4, 4});
  const std::string good = ap::io::scenario_to_binary(s);
  expect_refused("", "no APSB header");
  expect_refused("JSON" + good.substr(4), "no APSB header");
  std::string bad_version = good;
  bad_version[4] = 2;
  expect_refused(bad_version, "version 2");
  expect_refused(good.substr(0, good.size() - 9), "runs past the end");
  std::string long_header = good;
  long_header[9] = 0x7f;
  expect_refused(long_header, "header runs past the end");
  // A NaN inside a block is named by its cell, as the JSON path names it.
  std::string nan = good;
  const double not_a_number = std::nan("");
  std::memcpy(&nan[nan.size() - 8], &not_a_number, 8);  // the last cell of the last block (w_o)
  expect_refused(nan, "w_o[3][3]: expected a finite number");
  // A block that claims to be larger than the limits is refused before it is allocated.
  std::string huge = good;
  const std::size_t first_block = (12 + good[8] + (good[9] << 8) + 7) / 8 * 8;
  const std::uint32_t rows = 5000;
  std::memcpy(&huge[first_block], &rows, 4);
  expect_refused(huge, "runs past the end");
}

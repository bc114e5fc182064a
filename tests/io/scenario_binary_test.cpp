// The binary scenario buffer (io/scenario_binary.hpp): every number back bit for bit, every field kept, and a
// malformed buffer refused with a message (never read past its end, never a crash).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>

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

namespace {

// A buffer of io/scenario_binary.hpp by hand: `header` and one block of rows × cols zeros.
std::string buffer_with_block(const std::string& header, std::uint32_t rows, std::uint32_t cols) {
  std::string out = "APSB";
  const auto u32 = [&](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  u32(1);
  u32(static_cast<std::uint32_t>(header.size()));
  out += header;
  while (out.size() % 8 != 0) out.push_back('\0');
  u32(rows);
  u32(cols);
  out.append(static_cast<std::size_t>(rows) * cols * sizeof(double), '\0');
  return out;
}

std::string refusal(const std::string& bytes) {
  try {
    ap::io::scenario_from_binary(bytes);
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "accepted";
}

}  // namespace

// The page's fast loading sends a large scenario as blocks: past a limit it is refused with the message the JSON
// reader gives for the same matrix written as text (tests/malformed/cases.json), at the row where that one stops.
TEST_CASE("binary scenario: a block past a limit gets the JSON reader's message") {
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":{"$block":0}})", 5000, 4)) ==
        "x: more than 4096 rows (the limit of tokens)");
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":{"$block":0}})", 2, 1025)) ==
        "x[0]: more than 1024 numbers (the limit of d_model)");
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":[[0]],"context":{"x":{"$block":0}}})", 4097, 1)) ==
        "context.x: more than 4096 rows (the limit of tokens)");
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":[[0]],"w_q":{"$block":0}})", 1025, 1)) ==
        "w_q: more than 1024 rows (the limit of d_model)");
  // 4097 rows of 1024: the numbers pass 4,194,304 in row 4096, before the row limit (1024·heads·d_v rows) does
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":[[0]],"w_o":{"$block":0}})", 4097, 1024)) ==
        "w_o: more than 4194304 numbers (the limit of one matrix)");
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":[[0]],"positional":{"learned":{"$block":0}}})", 4097, 1)) ==
        "positional.learned: more than 4096 rows (the limit of tokens)");
  // the header is read under the same limits as a scenario's text
  std::string labels = R"("t")";
  for (int i = 1; i < 5000; ++i) labels += R"(,"t")";
  CHECK(refusal(buffer_with_block(R"({"version":1,"x":{"$block":0},"tokens":[)" + labels + "]}", 1, 1)) ==
        "tokens: more than 4096 labels (the limit of tokens)");
}

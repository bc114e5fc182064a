// core/number_text: the shortest decimal that reads back as the same double, for every double (subnormals,
// the largest, ±0, infinities, NaN), never an exception; and validate_scenario, which quotes numbers
// through it, refuses a RoPE base of any double with that number, never with another exception.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "core/error.hpp"
#include "core/number_text.hpp"
#include "core/scenario.hpp"

using ap::core::number_text;

namespace {

double from_bits(std::uint64_t bits) {
  double v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// No decimal with fewer significant digits than `text` has reads back as `v`.
bool shortest(const std::string& text, double v) {
  std::string digits;
  for (char c : text.substr(0, text.find_first_of("eE"))) if (c >= '0' && c <= '9') digits += c;
  const std::size_t first = digits.find_first_not_of('0');
  const int significant = first == std::string::npos ? 1 : static_cast<int>(digits.size() - first);
  for (int p = 1; p < significant; ++p) {
    char buffer[400];  // room for any precision, as the compiler cannot see p <= 17
    std::snprintf(buffer, sizeof buffer, "%.*g", p, v);
    if (std::strtod(buffer, nullptr) == v) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("number_text: the shortest text that reads back, for doubles of every kind") {
  const double denorm = std::numeric_limits<double>::denorm_min();
  CHECK(number_text(0.1) == "0.1");
  CHECK(number_text(1.0) == "1");
  CHECK(number_text(-0.0) == "-0");
  CHECK(number_text(1e300) == "1e+300");
  CHECK(number_text(denorm) == "5e-324");
  CHECK(number_text(-denorm) == "-5e-324");
  CHECK(number_text(1e-310) == "1e-310");
  CHECK(number_text(std::numeric_limits<double>::min()) == "2.2250738585072014e-308");
  CHECK(number_text(std::nextafter(std::numeric_limits<double>::min(), 0.0)) == "2.225073858507201e-308");
  CHECK(number_text(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(number_text(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(number_text(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK_NOTHROW(number_text(std::numeric_limits<double>::quiet_NaN()));

  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20000; ++trial) {
    // random bit patterns (every exponent, subnormals included) and random subnormals
    const double v = trial % 2 ? from_bits(rng()) : from_bits(rng() & 0x000FFFFFFFFFFFFFull);
    if (!std::isfinite(v)) continue;
    const std::string text = number_text(v);
    INFO(text);
    CHECK(std::strtod(text.c_str(), nullptr) == v);
    CHECK(shortest(text, v));
  }
}

TEST_CASE("validate_scenario: a RoPE base of any double is refused with its number") {
  ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(2, 2), 1);
  s.positional.kind = ap::core::PositionalKind::rope;
  const double denorm = std::numeric_limits<double>::denorm_min();
  const std::pair<double, std::string> bases[] = {
      {denorm, "5e-324"}, {-denorm, "-5e-324"}, {1e-310, "1e-310"}, {0.0, "0"}, {1.0, "1"}, {-1e308, "-1e+308"},
      {std::numeric_limits<double>::infinity(), "inf"}, {-std::numeric_limits<double>::infinity(), "-inf"}};
  for (const auto& [base, text] : bases) {
    s.positional.rope_base = base;
    INFO(text);
    try {
      ap::core::validate_scenario(s);
      FAIL_CHECK("accepted");
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.what() == "positional.rope.base: expected a finite base greater than 1, got " + text);
    }
  }
  s.positional.rope_base = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(ap::core::validate_scenario(s), ap::core::InputError);
}

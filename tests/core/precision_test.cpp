// core/precision: rounding to fp16 / bf16 / fp32, exhaustively over the 16-bit formats: every bit pattern
// round-trips, every midpoint between neighbours rounds to the even one (and a hair off it to the nearer),
// overflow gives ±∞ exactly from max + half an ulp on, subnormals are kept, NaN stays NaN.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/precision.hpp"

namespace {

using ap::core::Precision;

struct Format16 {
  const char* name;
  Precision precision;
  double (*value)(std::uint16_t);
  std::uint16_t (*bits)(double);
  int fraction_bits;
};

const Format16 formats[] = {
    {"fp16", Precision::fp16, ap::core::fp16_value, ap::core::fp16_bits, 10},
    {"bf16", Precision::bf16, ap::core::bf16_value, ap::core::bf16_bits, 7},
};

bool is_nan_pattern(std::uint16_t b, int fraction_bits) {
  const unsigned exponent_mask = (0x7fffu >> fraction_bits) << fraction_bits;
  return (b & exponent_mask) == exponent_mask && (b & ((1u << fraction_bits) - 1)) != 0;
}

}  // namespace

TEST_CASE("precision: every 16-bit pattern round-trips, and rounding leaves its value alone") {
  for (const auto& f : formats) {
    INFO(f.name);
    int checked = 0;
    for (unsigned b = 0; b <= 0xffff; ++b) {
      const auto bits = static_cast<std::uint16_t>(b);
      const double v = f.value(bits);
      if (is_nan_pattern(bits, f.fraction_bits)) {
        CHECK(std::isnan(v));
        CHECK(std::isnan(ap::core::round_to(f.precision, v)));
        CHECK(is_nan_pattern(f.bits(v), f.fraction_bits));
        continue;
      }
      INFO("bits " << b << " value " << v);
      REQUIRE(f.bits(v) == bits);                           // −0 and ±∞ included
      REQUIRE(ap::core::round_to(f.precision, v) == v);      // representable: unchanged
      REQUIRE(std::signbit(ap::core::round_to(f.precision, v)) == std::signbit(v));
      REQUIRE(static_cast<double>(ap::core::round_to(f.precision, static_cast<float>(v))) == v);  // the float overload
      ++checked;
    }
    CHECK(checked > 60000);
  }
}

TEST_CASE("precision: midpoints round to even, anything nearer one side to that side") {
  for (const auto& f : formats) {
    INFO(f.name);
    // consecutive positive finite patterns b, b + 1 (0 … the largest finite): the sign is symmetric
    const unsigned largest = (0x7fffu >> f.fraction_bits << f.fraction_bits) - 1;  // below the ∞ pattern
    for (unsigned b = 0; b < largest; ++b) {
      const double lo = f.value(static_cast<std::uint16_t>(b)), hi = f.value(static_cast<std::uint16_t>(b + 1));
      const double mid = (lo + hi) / 2;  // exact in double
      const unsigned even = (b % 2 == 0) ? b : b + 1;
      INFO("between patterns " << b << " and " << b + 1);
      REQUIRE(f.bits(mid) == even);
      REQUIRE(f.bits(-mid) == (even | 0x8000u));
      REQUIRE(ap::core::round_to(f.precision, std::nextafter(mid, lo)) == lo);
      REQUIRE(ap::core::round_to(f.precision, std::nextafter(mid, hi)) == hi);
    }
  }
}

TEST_CASE("precision: overflow, subnormals and the largest values") {
  const double inf = std::numeric_limits<double>::infinity();
  SECTION("fp16") {
    CHECK(ap::core::max_finite(Precision::fp16) == 65504.0);
    CHECK(ap::core::round_to(Precision::fp16, 65519.99) == 65504.0);
    CHECK(ap::core::round_to(Precision::fp16, 65520.0) == inf);  // the tie goes to the even neighbour, 2^16 = ∞
    CHECK(ap::core::round_to(Precision::fp16, -65520.0) == -inf);
    CHECK(ap::core::round_to(Precision::fp16, 1e300) == inf);
    CHECK(ap::core::fp16_bits(inf) == 0x7c00);
    CHECK(ap::core::round_to(Precision::fp16, std::ldexp(1.0, -24)) == std::ldexp(1.0, -24));  // smallest subnormal
    CHECK(ap::core::round_to(Precision::fp16, std::ldexp(1.0, -25)) == 0.0);     // half of it: tie to even (0)
    CHECK(ap::core::round_to(Precision::fp16, std::ldexp(1.5, -25)) == std::ldexp(1.0, -24));
    CHECK(std::signbit(ap::core::round_to(Precision::fp16, -1e-300)));           // underflow keeps the sign
    CHECK(ap::core::round_to(Precision::fp16, 1.0 + std::ldexp(1.0, -11)) == 1.0);  // tie: even (1.0)
    CHECK(ap::core::round_to(Precision::fp16, 1.0 + 3 * std::ldexp(1.0, -11)) == 1.0 + std::ldexp(1.0, -9));
    CHECK(ap::core::fp16_bits(1.0) == 0x3c00);
  }
  SECTION("bf16") {
    CHECK(ap::core::round_to(Precision::bf16, 3.4e38) == inf);  // past 3.3895e38 + half an ulp
    CHECK(ap::core::round_to(Precision::bf16, 3.39e38) == ap::core::max_finite(Precision::bf16));
    CHECK(ap::core::bf16_bits(1.0) == 0x3f80);
    CHECK(ap::core::round_to(Precision::bf16, 1.0 + std::ldexp(1.0, -8)) == 1.0);  // tie: even
    CHECK(ap::core::round_to(Precision::bf16, std::ldexp(1.0, -133)) == std::ldexp(1.0, -133));  // smallest subnormal
  }
  SECTION("fp32 from double: float's own rounding") {
    for (double x : {0.1, 1.0 / 3, 3.4028235e38, 1e-40, -2.5e-45, 1e39})
      CHECK(ap::core::round_to(Precision::fp32, x) == static_cast<double>(static_cast<float>(x)));
    CHECK(ap::core::round_to(Precision::fp32, 0.1f) == 0.1f);
  }
  SECTION("NaN stays NaN") {
    for (auto p : {Precision::fp32, Precision::fp16, Precision::bf16}) {
      CHECK(std::isnan(ap::core::round_to(p, std::numeric_limits<double>::quiet_NaN())));
      CHECK(std::isnan(ap::core::round_to(p, std::numeric_limits<float>::quiet_NaN())));
    }
  }
}

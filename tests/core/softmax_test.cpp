// The masked, stable row softmax every CPU backend shares: exact small cases, scores of ±1e4 in double
// and float (finite, the same as the analytic value), masked entries exactly zero, empty rows all zero.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/softmax.hpp"

namespace {

using ap::core::MaskRule;
using ap::core::MaskSpec;

MaskRule no_mask(int m) {
  static const MaskSpec none;
  return MaskRule(none, 1, m);
}

}  // namespace

TEST_CASE("softmax: a small row equals exp(s - max) / sum") {
  const std::vector<double> s = {1.0, 0.5, -1.0};
  std::vector<double> p(3);
  REQUIRE(ap::core::masked_softmax_row<double>(s.data(), no_mask(3), 0, p.data()));
  const double e0 = std::exp(0.0), e1 = std::exp(-0.5), e2 = std::exp(-2.0), sum = e0 + e1 + e2;
  CHECK(p[0] == Approx(e0 / sum).epsilon(1e-15));
  CHECK(p[1] == Approx(e1 / sum).epsilon(1e-15));
  CHECK(p[2] == Approx(e2 / sum).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("softmax: scores of +-1e4 stay finite and match the analytic value", "", double, float) {
  const MaskRule mask = no_mask(4);
  std::vector<TestType> p(4);
  SECTION("two huge scores one apart, two hugely negative") {
    const std::vector<TestType> s = {TestType(1e4), TestType(1e4 - 1), TestType(-1e4), TestType(-1e4)};
    REQUIRE(ap::core::masked_softmax_row<TestType>(s.data(), mask, 0, p.data()));
    const double e = std::exp(-1.0);
    CHECK(p[0] == Approx(1 / (1 + e)).epsilon(1e-6));
    CHECK(p[1] == Approx(e / (1 + e)).epsilon(1e-6));
    CHECK(p[2] == 0);  // exp(-2e4) underflows to exactly 0, never NaN
    CHECK(p[3] == 0);
  }
  SECTION("all equal at -1e4: uniform") {
    const std::vector<TestType> s(4, TestType(-1e4));
    REQUIRE(ap::core::masked_softmax_row<TestType>(s.data(), mask, 0, p.data()));
    for (auto v : p) CHECK(v == Approx(0.25).epsilon(1e-6));
  }
  SECTION("all equal at +1e4: uniform") {
    const std::vector<TestType> s(4, TestType(1e4));
    REQUIRE(ap::core::masked_softmax_row<TestType>(s.data(), mask, 0, p.data()));
    for (auto v : p) CHECK(v == Approx(0.25).epsilon(1e-6));
  }
  for (auto v : p) CHECK(std::isfinite(static_cast<double>(v)));
}

TEST_CASE("softmax: masked entries are exactly zero and do not take part in the maximum") {
  MaskSpec spec;
  spec.key_valid = std::vector<std::uint8_t>{1, 0, 1};
  const MaskRule mask(spec, 1, 3);
  // the masked key holds the largest score; if it took part, the others would underflow to 0
  const std::vector<double> s = {0.0, 1e6, 1.0};
  std::vector<double> p(3);
  REQUIRE(ap::core::masked_softmax_row<double>(s.data(), mask, 0, p.data()));
  CHECK(p[1] == 0.0);
  const std::vector<double> kept = {0.0, 1.0};
  std::vector<double> q(2);
  REQUIRE(ap::core::masked_softmax_row<double>(kept.data(), no_mask(2), 0, q.data()));
  CHECK(p[0] == q[0]);
  CHECK(p[2] == q[1]);
}

TEST_CASE("softmax: a row with no allowed key is all zeros, never NaN") {
  MaskSpec spec;
  spec.key_valid = std::vector<std::uint8_t>{0, 0, 0};
  const MaskRule mask(spec, 1, 3);
  const std::vector<double> s = {1.0, 2.0, 3.0};
  std::vector<double> p(3, 7.0);
  CHECK_FALSE(ap::core::masked_softmax_row<double>(s.data(), mask, 0, p.data()));
  CHECK(p == std::vector<double>{0.0, 0.0, 0.0});
}

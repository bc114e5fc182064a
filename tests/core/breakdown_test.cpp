// Every cell's breakdown (core/breakdown.hpp, window.playground.explain) adds up to the trace's number: products
// as Σ a·b (biases b = 1, RoPE's mixed columns included), weights as numerator / denominator.
#include <catch2/catch.hpp>

#include "core/breakdown.hpp"
#include "core/pipeline.hpp"
#include "support/random_scenario.hpp"

namespace {

double sum(const ap::core::Breakdown& b) {
  double total = 0;
  for (const auto& t : b.terms) total += t.a * t.b;
  return total;
}

std::string id(const std::string& kind, int a, int b, int c = -1) {
  std::string s = kind + "[" + std::to_string(a) + "][" + std::to_string(b) + "]";
  return c < 0 ? s : s + "[" + std::to_string(c) + "]";
}

}  // namespace

TEST_CASE("breakdowns add up to the trace, for every kind of cell") {
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 16; ++trial) {
    ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 2 == 1));
    s.mask = ap::test::random_mask(rng, ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()], s.n(), s.m());
    s.positional = ap::test::random_positional(rng, s);
    ap::core::validate_scenario(s);
    const ap::core::Trace t = ap::core::compute_reference(s);
    INFO("trial " << trial);
    for (int h = 0; h < s.heads; ++h)
      for (int i = 0; i < s.n(); i += 2) {
        for (int j = 0; j < s.m(); j += 3) {
          const auto score = ap::core::explain_cell(s, t, id("scores", h, i, j));
          REQUIRE(score);
          CHECK(sum(*score) == Approx(score->value).margin(1e-12));
          const auto w = ap::core::explain_cell(s, t, id("weights", h, i, j));
          REQUIRE(w);
          REQUIRE(w->is_ratio);
          if (w->denominator > 0) CHECK(w->numerator / w->denominator == Approx(w->value).margin(1e-15));
          else CHECK(w->value == 0);
          CHECK(w->masked == !t.allowed(i, j));
          const auto k = ap::core::explain_cell(s, t, id("k", h, j, 0));
          REQUIRE(k);
          CHECK(sum(*k) == Approx(k->value).margin(1e-12));
          const auto v = ap::core::explain_cell(s, t, id("v", h, j, 0));
          REQUIRE(v);
          CHECK(sum(*v) == Approx(v->value).margin(1e-12));
        }
        for (int c = 0; c < s.d_k; c += 2) {
          const auto q = ap::core::explain_cell(s, t, id("q", h, i, c));
          REQUIRE(q);
          CHECK(sum(*q) == Approx(q->value).margin(1e-12));
        }
        for (int c = 0; c < s.d_v; c += 3) {
          const auto out = ap::core::explain_cell(s, t, id("out", h, i, c));
          REQUIRE(out);
          CHECK(sum(*out) == Approx(out->value).margin(1e-12));
        }
      }
    for (int i = 0; i < s.n(); ++i)
      for (int c = 0; c < s.d_model(); c += 2) {
        const auto o = ap::core::explain_cell(s, t, id("output", i, c));
        REQUIRE(o);
        CHECK(o->terms.back().b == 1.0);  // the bias
        CHECK(sum(*o) == Approx(o->value).margin(1e-12));
      }
  }
}

TEST_CASE("breakdowns: unknown or out-of-range ids give nothing") {
  const ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(2, 2));
  const ap::core::Trace t = ap::core::compute_reference(s);
  for (const char* bad : {"scores[1][0][0]", "scores[0][2][0]", "weights[0][0]", "output[0][5]", "q[0][0][7]",
                          "nothing[0][0][0]", "scores[0][0][0]x", "", "output[-1][0]"})
    CHECK_FALSE(ap::core::explain_cell(s, t, bad));
  CHECK(ap::core::explain_cell(s, t, "scores[0][1][0]"));
}

// The uniform-attention baseline (core/uniform_attention.hpp): equal weights over the allowed keys, the same V and
// W_O; without a mask every row gets one global average; the learned weights' output differs from it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/uniform_attention.hpp"
#include "support/random_scenario.hpp"

TEST_CASE("uniform: weights 1/m over the allowed keys; without a mask every row gets the same average") {
  const auto s = ap::core::make_preset("animal_it");
  const auto t = ap::core::compute_reference(s);
  const auto b = ap::core::uniform_attention(s, t);
  for (int j = 0; j < s.m(); ++j) CHECK(b.weights(7, j) == Approx(1.0 / 11));
  CHECK(b.rows_identical);
  // the mean of the values (V = X here, W_O = I): one blurry summary
  const ap::core::Matrix mean = s.query.x.colwise().mean();
  CHECK((b.output.row(0) - mean).cwiseAbs().maxCoeff() < 1e-15);
  // "it" with learned weights is far from that average
  CHECK(b.row_difference[7] > 0.5);
  CHECK(b.max_row_difference == Approx(*std::max_element(b.row_difference.begin(), b.row_difference.end())));
  CHECK((b.difference - (t.output - b.output)).cwiseAbs().maxCoeff() == 0);
}

TEST_CASE("uniform: a causal mask averages each prefix; equal to the trace where the weights were uniform") {
  const auto s = ap::core::make_preset("cat_sat");
  const auto t = ap::core::compute_reference(s);
  const auto b = ap::core::uniform_attention(s, t);
  CHECK_FALSE(b.rows_identical);
  for (int i = 0; i < s.n(); ++i)
    for (int j = 0; j < s.m(); ++j) CHECK(b.weights(i, j) == (j <= i ? Approx(1.0 / (i + 1)) : Approx(0.0)));
  CHECK(b.row_difference[0] < 1e-15);  // "The" sees only itself: learned and uniform agree
  // heads with all-zero queries are uniform already: the baseline reproduces them
  auto flat = ap::core::make_preset("animal_it");
  flat.w_q.setZero();
  const auto tf = ap::core::compute_reference(flat);
  CHECK(ap::core::uniform_attention(flat, tf).max_row_difference < 1e-14);
}

TEST_CASE("uniform: W_O and the biases as the layer applies them, on random layers and cross-attention") {
  std::mt19937 rng(9);
  for (int k = 0; k < 8; ++k) {
    auto s = ap::test::random_scenario(rng, ap::test::Shape{5, k % 2 ? 3 : 0, 6, 2, 3, 4});
    s.w_q.setZero();  // every learned row is then uniform too: the two must agree
    s.b_q.setZero();
    const auto t = ap::core::compute_reference(s);
    const auto b = ap::core::uniform_attention(s, t);
    INFO(k);
    CHECK(b.max_row_difference < 1e-12);
  }
}

// The scaling lab's d_k sweep: Var(q·k) ≈ d_k for unit-variance q, k without scaling and ≈ 1 with
// 1/√d_k, and what that does to the softmax (sharper rows, a vanishing Jacobian) when unscaled.
#include <catch2/catch.hpp>

#include "core/sweep.hpp"

TEST_CASE("sweep: Var(q.k) grows like d_k unscaled and stays near 1 scaled") {
  const std::vector<int> d_ks = {1, 2, 8, 32, 128};
  // 10000 rows of 8 keys per d_k: the variance estimate's standard error is under 2% even at d_k = 1
  // (the 8 scores of a row share q), so 10% is a margin of more than 5 standard errors.
  const auto sweep = ap::core::scaling_sweep(d_ks, 8, 10000, 2024);
  REQUIRE(sweep.size() == d_ks.size());
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    const auto& pt = sweep[i];
    INFO("d_k = " << pt.d_k << ": Var raw " << pt.variance_raw << ", scaled " << pt.variance_scaled);
    CHECK(pt.d_k == d_ks[i]);
    CHECK(pt.variance_raw == Approx(pt.d_k).epsilon(0.10));
    CHECK(pt.variance_scaled == Approx(1.0).epsilon(0.10));
    CHECK(pt.variance_scaled == Approx(pt.variance_raw / pt.d_k).epsilon(1e-12));
    // a softmax row's largest weight lies in [1/keys, 1]
    for (double w : {pt.max_weight_raw, pt.max_weight_scaled}) {
      CHECK(w >= 1.0 / 8 - 1e-12);
      CHECK(w <= 1.0 + 1e-12);
    }
  }
  const auto& big = sweep.back();  // d_k = 128
  // unscaled scores have sd ≈ 11: rows are nearly one-hot and the Jacobian nearly vanishes
  CHECK(big.max_weight_raw > 0.9);
  CHECK(big.max_weight_raw > sweep.front().max_weight_raw);
  CHECK(big.jacobian_raw < 0.5 * big.jacobian_scaled);
  // scaled, the softmax looks about the same from d_k = 8 on (at d_k = 1 or 2 a score is a product of
  // few Gaussians, heavy-tailed rather than Gaussian, so its rows are sharper): measured 0.353, 0.357, 0.363
  INFO("max weight scaled: d_k = 8 " << sweep[2].max_weight_scaled << ", 32 " << sweep[3].max_weight_scaled << ", 128 " << big.max_weight_scaled);
  CHECK(big.max_weight_scaled == Approx(sweep[2].max_weight_scaled).epsilon(0.05));
  CHECK(big.max_weight_scaled == Approx(sweep[3].max_weight_scaled).epsilon(0.05));
}

TEST_CASE("sweep: deterministic for a seed, different for another") {
  const auto a = ap::core::scaling_sweep({4, 16}, 4, 200, 7);
  const auto b = ap::core::scaling_sweep({4, 16}, 4, 200, 7);
  const auto c = ap::core::scaling_sweep({4, 16}, 4, 200, 8);
  CHECK(a[1].variance_raw == b[1].variance_raw);
  CHECK(a[1].jacobian_raw == b[1].jacobian_raw);
  CHECK(a[1].variance_raw != c[1].variance_raw);
}

TEST_CASE("sweep: powers of two") {
  CHECK(ap::core::powers_of_two_up_to(1024) == std::vector<int>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  CHECK(ap::core::powers_of_two_up_to(1) == std::vector<int>{1});
  CHECK(ap::core::powers_of_two_up_to(100).back() == 64);
}

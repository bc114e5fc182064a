// Diagnostics of a softmax row against explicit formulas computed here: entropy, effective keys =
// exp(entropy), max weight, the Jacobian's Frobenius norm from the full matrix diag(p) − ppᵀ, and
// Var(scaled scores) = scale² · Var(raw scores), over the allowed keys only.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/diagnostics.hpp"
#include "core/mask.hpp"
#include "core/pipeline.hpp"
#include "core/softmax.hpp"
#include "support/random_scenario.hpp"

namespace {

// ‖diag(p) − ppᵀ‖_F with the matrix written out.
double explicit_jacobian_norm(const Eigen::VectorXd& p) {
  const Eigen::MatrixXd j = Eigen::MatrixXd(p.asDiagonal()) - p * p.transpose();
  return j.norm();
}

Eigen::VectorXd random_distribution(std::mt19937& rng, int m) {
  Eigen::VectorXd p(m);
  for (int j = 0; j < m; ++j) p(j) = std::exponential_distribution<double>(1.0)(rng);
  return p / p.sum();
}

}  // namespace

TEST_CASE("diagnostics: softmax_jacobian_norm equals the explicit Frobenius norm of diag(p) - ppT") {
  std::mt19937 rng(3);
  for (int m : {1, 2, 3, 7, 33, 65}) {
    const Eigen::VectorXd p = random_distribution(rng, m);
    INFO("m = " << m);
    CHECK(ap::core::softmax_jacobian_norm(p.data(), m) == Approx(explicit_jacobian_norm(p)).epsilon(1e-12).margin(1e-15));
  }
  SECTION("one-hot: no gradient flows") {
    const Eigen::VectorXd p = Eigen::VectorXd::Unit(5, 2);
    CHECK(ap::core::softmax_jacobian_norm(p.data(), 5) == Approx(0.0).margin(1e-15));
  }
  SECTION("uniform over 4: sqrt(3/16)") {
    const Eigen::VectorXd p = Eigen::VectorXd::Constant(4, 0.25);
    CHECK(ap::core::softmax_jacobian_norm(p.data(), 4) == Approx(std::sqrt(3.0 / 16.0)).epsilon(1e-15));
    CHECK(explicit_jacobian_norm(p) == Approx(std::sqrt(3.0 / 16.0)).epsilon(1e-15));
  }
}

TEST_CASE("diagnostics: row_diagnostics on a hand-made example") {
  ap::core::Matrix scores(2, 4), weights(2, 4);
  scores << 1, 2, 3, 100,  //
      5, 5, 5, 5;
  weights << 0.25, 0.25, 0.5, 0,  //
      0.25, 0.25, 0.25, 0.25;
  ap::core::AllowMatrix allowed(2, 4);
  allowed << 1, 1, 1, 0,  // key 3 masked: its score 100 must not enter the statistics
      1, 1, 1, 1;
  const auto d = ap::core::row_diagnostics(scores, weights, allowed, 0.5);
  const double h0 = -(0.25 * std::log(0.25) * 2 + 0.5 * std::log(0.5));
  CHECK(d.entropy[0] == Approx(h0).epsilon(1e-15));
  CHECK(d.effective_keys[0] == Approx(std::exp(h0)).epsilon(1e-15));
  CHECK(d.max_weight[0] == 0.5);
  CHECK(d.raw_mean[0] == Approx(2.0).epsilon(1e-15));
  CHECK(d.raw_variance[0] == Approx(2.0 / 3.0).epsilon(1e-15));
  CHECK(d.scaled_mean[0] == Approx(1.0).epsilon(1e-15));
  CHECK(d.scaled_variance[0] == Approx(0.25 * 2.0 / 3.0).epsilon(1e-15));
  CHECK(d.entropy[1] == Approx(std::log(4.0)).epsilon(1e-15));
  CHECK(d.effective_keys[1] == Approx(4.0).epsilon(1e-14));
  CHECK(d.raw_variance[1] == 0.0);
  CHECK(d.jacobian_norm[1] == Approx(std::sqrt(3.0 / 16.0)).epsilon(1e-15));
}

TEST_CASE("diagnostics: every row of a computed trace, against formulas written here") {
  std::mt19937 rng(21);
  int rows_checked = 0, empty_checked = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const bool cross = trial % 2 == 1;
    ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, cross));
    const auto kind = ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()];
    s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
    s.scale.kind = trial % 3 == 0 ? ap::core::ScaleKind::multiplier : ap::core::ScaleKind::inv_sqrt_dk;
    s.scale.multiplier = 2.75;
    ap::core::validate_scenario(s);
    const ap::core::Trace t = ap::core::compute_reference(s);
    CHECK(t.scale == s.scale.factor(s.d_k));
    for (const auto& h : t.heads) {
      const auto& d = h.diagnostics;
      REQUIRE(d.entropy.size() == static_cast<std::size_t>(s.n()));
      for (int i = 0; i < s.n(); ++i) {
        const auto r = static_cast<std::size_t>(i);
        double entropy = 0, wmax = 0, sum = 0;
        int count = 0;
        for (int j = 0; j < s.m(); ++j) {
          if (!t.allowed(i, j)) continue;
          const double p = h.weights(i, j);
          if (p > 0) entropy -= p * std::log(p);
          wmax = std::max(wmax, p);
          sum += h.scores(i, j);
          ++count;
        }
        if (count == 0) {  // empty row: every diagnostic is 0
          CHECK(d.entropy[r] == 0);
          CHECK(d.effective_keys[r] == 0);
          CHECK(d.max_weight[r] == 0);
          CHECK(d.scaled_variance[r] == 0);
          CHECK(d.jacobian_norm[r] == 0);
          ++empty_checked;
          continue;
        }
        double var = 0;
        for (int j = 0; j < s.m(); ++j)
          if (t.allowed(i, j)) var += (h.scores(i, j) - sum / count) * (h.scores(i, j) - sum / count);
        var /= count;
        // entropy is taken as log Z − Σ p·s (one log a row): the subtraction leaves an absolute error of a
        // few ulp of the row's largest score, so a near-one-hot row is compared with a margin, not 1e-15
        CHECK(d.entropy[r] == Approx(entropy).epsilon(1e-12).margin(1e-13));
        CHECK(d.effective_keys[r] == Approx(std::exp(entropy)).epsilon(1e-12));
        CHECK(d.effective_keys[r] >= 1 - 1e-12);
        CHECK(d.effective_keys[r] <= count + 1e-9);
        CHECK(d.max_weight[r] == wmax);
        CHECK(d.raw_variance[r] == Approx(var).epsilon(1e-12).margin(1e-15));
        // the scaled moments are those of the trace's scaled matrix (scale·score rounded once per cell), so
        // they agree with scale times the raw ones to rounding relative to the row's magnitude
        const double magnitude = h.scaled.row(i).cwiseAbs().maxCoeff();
        CHECK(d.scaled_variance[r] == Approx(t.scale * t.scale * d.raw_variance[r]).epsilon(1e-13).margin(1e-15 * magnitude * magnitude));
        CHECK(d.scaled_mean[r] == Approx(t.scale * d.raw_mean[r]).epsilon(1e-13).margin(1e-15 * magnitude));
        // the explicit matrix itself cancels for nearly one-hot rows (see the test below), so it is the
        // reference only for rows whose norm is at least 1e-4
        const Eigen::VectorXd p = h.weights.row(i).transpose();
        const double jacobian = explicit_jacobian_norm(p);
        if (jacobian >= 1e-4) CHECK(d.jacobian_norm[r] == Approx(jacobian).epsilon(1e-7));
        ++rows_checked;
      }
    }
  }
  CHECK(rows_checked > 200);
  CHECK(empty_checked > 0);
}

TEST_CASE("diagnostics: the Jacobian norm of a nearly one-hot row stays accurate") {
  // p = (1 − δ, δ/2, δ/2): the saturated rows the scaling lab shows (unscaled, large d_k). A closed form
  // like sqrt(Σp² − 2Σp³ + (Σp²)²) cancels to noise here (it gave 2e-9 for 1.58e-9 at δ = 1e-9), and so
  // does the explicit matrix, so the expectation is written out by hand:
  // ‖J‖² = ((1−δ)δ)² + 2((δ/2)(1−δ/2))² + 4((1−δ)δ/2)² + 2(δ²/4)².
  for (double delta : {1e-3, 1e-5, 1e-7, 1e-8, 1e-9, 1e-12, 1e-15}) {
    Eigen::VectorXd p(3);
    p << 1 - delta, delta / 2, delta / 2;
    const double d = p(1) + p(2);  // the δ the rounded p really holds
    const double expected = std::sqrt(std::pow((1 - d) * d, 2) + 2 * std::pow(d / 2 * (1 - d / 2), 2) +
                                      4 * std::pow((1 - d) * d / 2, 2) + 2 * std::pow(d * d / 4, 2));
    INFO("delta " << delta);
    CHECK(ap::core::softmax_jacobian_norm(p.data(), 3) == Approx(expected).epsilon(1e-9));
  }
}

TEST_CASE("diagnostics: the textbook shortcut (one log a row) equals the general form") {
  std::mt19937 rng(31);
  std::normal_distribution<double> normal(0.0, 3.0);
  for (int trial = 0; trial < 6; ++trial) {
    const int n = 1 + trial * 7, m = 3 + trial * 5;
    ap::core::Matrix scores(n, m);
    for (Eigen::Index i = 0; i < scores.size(); ++i) scores.data()[i] = normal(rng) * (trial == 5 ? 30 : 1);
    ap::core::MaskSpec spec;
    if (trial % 2) spec.causal = ap::core::CausalAlign::top_left;
    if (trial == 4) spec.key_valid = std::vector<std::uint8_t>(static_cast<std::size_t>(m), 1), (*spec.key_valid)[1] = 0;
    const ap::core::MaskRule rule(spec, n, m);
    const ap::core::AllowMatrix allowed = ap::core::allow_matrix(rule);
    const double scale = 0.37;
    ap::core::Matrix weights(n, m);
    for (int i = 0; i < n; ++i) {
      std::vector<double> row(static_cast<std::size_t>(m));
      for (int j = 0; j < m; ++j) row[static_cast<std::size_t>(j)] = scale * scores(i, j);
      ap::core::masked_softmax_row<double>(row.data(), rule, i, weights.row(i).data());
    }
    const auto general = ap::core::row_diagnostics(scores, weights, allowed, scale);
    ap::core::RowDiagnostics fast;
    ap::core::resize_diagnostics(fast, n);
    ap::core::row_diagnostics_textbook_block(scores.data(), weights.data(), n, m, 0, rule, scale, fast);
    for (int i = 0; i < n; ++i) {
      INFO("trial " << trial << " row " << i);
      CHECK(fast.entropy[i] == Approx(general.entropy[i]).margin(1e-12).epsilon(1e-9));
      CHECK(fast.max_weight[i] == general.max_weight[i]);
      CHECK(fast.jacobian_norm[i] == Approx(general.jacobian_norm[i]).margin(1e-14).epsilon(1e-12));
      CHECK(fast.scaled_variance[i] == Approx(general.scaled_variance[i]).epsilon(1e-12));
      CHECK(fast.raw_mean[i] == Approx(general.raw_mean[i]).margin(1e-14).epsilon(1e-12));
    }
  }
}

// SPEC §1b on every float backend against the double reference: random scenarios of odd sizes with every variant
// (GQA/MQA, ALiBi with both causal alignments, softcap, sinks, finite fills with fully masked rows, fp32 / fp16 /
// bf16 emulation), and magnitudes at float's edge, where a float backend must either agree with the reference
// or show the overflow (a non-finite cell, listed in Trace::nonfinite): never a finite wrong number.
//
// Tolerances (normwise, ap::test::rel_err), each the format's own resolution times a small factor:
//   no precision: 1e-5, as the textbook agreement test (float against double);
//   fp32: 1e-5 (the reference rounds its double results to fp32; the float backends accumulate in fp32);
//   fp16: 4·2⁻¹¹ ≈ 2e-3 and bf16: 2·2⁻⁸ ≈ 7.8e-3. The reference accumulates in double and rounds once, a float
//   backend accumulates in fp32 first, so a cell near a rounding boundary can land one unit of the format apart, and
//   such a unit then travels through the softmax and the products. Measured worst (`kernels_tests "[.report]"`,
//   x86-64 AVX2): fp16 8.4e-4, bf16 1.05e-3, fp32 1.2e-6, none 2.3e-6, the same on every float backend.
#include <catch2/catch.hpp>

#include <iostream>
#include <limits>
#include <map>

#include "core/variants.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Precision;
using ap::core::Scenario;

double tolerance_for(const Scenario& s) {
  if (!s.variants.precision || *s.variants.precision == Precision::fp32) return 1e-5;
  return *s.variants.precision == Precision::fp16 ? 4 * std::ldexp(1.0, -11) : 2 * std::ldexp(1.0, -8);
}

// Random variants on a random scenario; K/V weights re-drawn for kv_heads.
Scenario random_variant_scenario(std::mt19937& rng, int trial) {
  ap::test::Shape shape = ap::test::random_shape(rng, trial % 2 == 1);
  shape.heads = std::array<int, 5>{1, 2, 3, 4, 6}[static_cast<std::size_t>(ap::test::uniform_int(rng, 0, 4))];
  Scenario s = ap::test::random_scenario(rng, shape);
  const int h = s.heads;
  std::vector<int> divisors;
  for (int g = 1; g <= h; ++g)
    if (h % g == 0) divisors.push_back(g);
  const int g = divisors[static_cast<std::size_t>(ap::test::uniform_int(rng, 0, static_cast<int>(divisors.size()) - 1))];
  if (g != h || trial % 5 == 0) {
    s.variants.kv_heads = g;
    const int dm = s.d_model();
    s.w_k = ap::test::random_matrix(rng, dm, g * s.d_k, 1.0 / std::sqrt(static_cast<double>(dm)));
    s.w_v = ap::test::random_matrix(rng, dm, g * s.d_v, 1.0 / std::sqrt(static_cast<double>(dm)));
    s.b_k = ap::test::random_row(rng, g * s.d_k, 0.1);
    s.b_v = ap::test::random_row(rng, g * s.d_v, 0.1);
  }
  const auto kinds = ap::test::all_mask_kinds();
  s.mask = ap::test::random_mask(rng, kinds[static_cast<std::size_t>(trial) % kinds.size()], s.n(), s.m());
  s.positional = ap::test::random_positional(rng, s);
  s.variants.alibi = ap::test::uniform_int(rng, 0, 1) == 1;
  if (ap::test::uniform_int(rng, 0, 2) == 0) s.variants.softcap = std::array<double, 3>{0.5, 2.0, 30.0}[static_cast<std::size_t>(ap::test::uniform_int(rng, 0, 2))];
  if (ap::test::uniform_int(rng, 0, 2) == 0) s.variants.sinks = ap::test::random_row(rng, h, 1.5);
  switch (ap::test::uniform_int(rng, 0, 3)) {
    case 0: s.variants.mask_fill = -1e9; break;
    case 1: s.variants.mask_fill = -2.0; break;  // masked keys keep real weight
    default: break;
  }
  switch (trial % 4) {
    case 1: s.variants.precision = Precision::fp32; break;
    case 2: s.variants.precision = Precision::fp16; break;
    case 3: s.variants.precision = Precision::bf16; break;
    default: break;
  }
  if (ap::test::uniform_int(rng, 0, 2) == 0) s.scale.kind = ap::core::ScaleKind::none;  // larger scores: softcap bites
  ap::core::validate_scenario(s);
  return s;
}

std::string describe(const Scenario& s) {
  std::string d = "N " + std::to_string(s.n()) + ", M " + std::to_string(s.m()) + ", d_model " + std::to_string(s.d_model()) +
                  ", heads " + std::to_string(s.heads) + ", kv_heads " + std::to_string(s.kv_heads()) + ", d_k " +
                  std::to_string(s.d_k) + ", d_v " + std::to_string(s.d_v);
  if (s.variants.alibi) d += ", alibi";
  if (s.variants.softcap) d += ", softcap " + std::to_string(*s.variants.softcap);
  if (s.variants.sinks) d += ", sinks";
  if (s.variants.mask_fill) d += ", mask_fill " + std::to_string(*s.variants.mask_fill);
  if (s.variants.precision) d += std::string(", ") + ap::core::precision_name(*s.variants.precision);
  return d;
}

// Every recorded matrix of t against r: the same non-finite cells and the finite ones within tol.
void check_against(const ap::core::Trace& t, const ap::core::Trace& r, double tol, double* worst = nullptr) {
  const auto check = [&](const char* what, const ap::core::Matrix& got, const ap::core::Matrix& want) {
    const double err = ap::test::rel_err_finite_cells(got, want);
    if (worst) *worst = std::max(*worst, err);
    INFO(what << ": normwise error over the finite cells " << err << ", tolerance " << tol);
    CHECK(err <= tol);
  };
  check("output", t.output, r.output);
  check("concat", t.concat, r.concat);
  REQUIRE(t.heads.size() == r.heads.size());
  for (std::size_t h = 0; h < r.heads.size(); ++h) {
    INFO("head " << h);
    check("q", t.heads[h].q, r.heads[h].q);
    check("k", t.heads[h].k, r.heads[h].k);
    check("v", t.heads[h].v, r.heads[h].v);
    check("scores", t.heads[h].scores, r.heads[h].scores);
    check("scaled", t.heads[h].scaled, r.heads[h].scaled);
    check("weights", t.heads[h].weights, r.heads[h].weights);
    check("head output", t.heads[h].output, r.heads[h].output);
  }
  CHECK(t.empty_rows == r.empty_rows);
  CHECK(t.nonfinite.size() == r.nonfinite.size());
}

// The float-edge property: where the float result is finite it is right; where it is not, it is listed.
void check_finite_means_right(const ap::core::Trace& t, const ap::core::Trace& r) {
  const auto check = [&](const char* what, const ap::core::Matrix& got, const ap::core::Matrix& want) {
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    double scale = 0;
    for (Eigen::Index i = 0; i < want.size(); ++i)
      if (std::isfinite(want.data()[i])) scale = std::max(scale, std::fabs(want.data()[i]));
    for (Eigen::Index i = 0; i < got.size(); ++i) {
      const double x = got.data()[i], y = want.data()[i];
      if (!std::isfinite(x)) continue;  // shown as an overflow (and listed: nonfinite_cells scans every matrix)
      INFO(what << " cell " << i << ": " << x << " where the reference has " << y);
      REQUIRE(std::isfinite(y));  // never a finite number where the reference (wider) overflowed
      CHECK(std::fabs(x - y) <= 1e-5 * std::max(scale, 1e-300));
    }
  };
  check("output", t.output, r.output);
  for (std::size_t h = 0; h < r.heads.size(); ++h) {
    check("weights", t.heads[h].weights, r.heads[h].weights);
    check("head output", t.heads[h].output, r.heads[h].output);
  }
  std::size_t nonfinite = 0;
  for (const auto& m : {t.output, t.concat}) nonfinite += static_cast<std::size_t>((!m.array().isFinite()).count());
  for (const auto& ht : t.heads)
    for (const auto* m : {&ht.q, &ht.k, &ht.v, &ht.scores, &ht.scaled, &ht.weights, &ht.output})
      nonfinite += static_cast<std::size_t>((!m->array().isFinite()).count());
  for (const auto* m : {&t.x_in, &t.context_in}) nonfinite += static_cast<std::size_t>((!m->array().isFinite()).count());
  CHECK(t.nonfinite.size() == nonfinite);
}

Scenario edge_scenario(double x_scale, const char* scale) {
  std::mt19937 rng(4242);
  Scenario s = ap::test::random_scenario(rng, {7, 0, 6, 2, 3, 3});
  s.query.x *= x_scale;
  s.w_q = ap::core::identity_like(6, 6);
  s.w_k = ap::core::identity_like(6, 6);
  s.w_v = ap::core::identity_like(6, 6);
  s.b_q.setZero();
  s.b_k.setZero();
  s.b_v.setZero();
  if (std::string(scale) == "none") s.scale.kind = ap::core::ScaleKind::none;
  return s;
}

}  // namespace

TEST_CASE("variants: every float backend matches the reference for every variant and precision") {
  std::mt19937 rng(1414);
  int compared = 0;
  for (int trial = 0; trial < 48; ++trial) {
    const Scenario s = random_variant_scenario(rng, trial);
    const auto r = ap::kernels::run_backend("reference", s);
    CHECK(r.computed_in == (s.variants.precision ? ap::core::precision_name(*s.variants.precision) : "float64"));
    for (const auto& backend : ap::kernels::backend_names()) {
      if (backend == "reference") continue;
      INFO(backend << ", trial " << trial << ": " << describe(s));
      const auto t = ap::kernels::run_backend(backend, s);
      check_against(t, r, tolerance_for(s));
      // the lean run (no matrices recorded: tiled's O(N·d) path) gives the same output
      const auto lean = ap::kernels::run_backend(backend, s, ap::core::TraceOptions{false});
      CHECK(ap::test::rel_err_finite_cells(lean.output, t.output) <= 1e-6);
      ++compared;
    }
  }
  CHECK(compared >= 4 * 48);
}

TEST_CASE("variants: finite fills and sinks on fully masked rows, GQA sharing, ALiBi's alignment") {
  std::mt19937 rng(99);
  Scenario s = ap::test::random_scenario(rng, {6, 4, 8, 4, 2, 3});  // cross-attention N = 6, M = 4
  s.mask.causal = ap::core::CausalAlign::bottom_right;                // rows 0 and 1 see no key
  SECTION("-1e9 gives the fully masked rows uniform weights; -inf gives zeros") {
    s.variants.mask_fill = -1e9;
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      CHECK(t.empty_rows.empty());
      for (int j = 0; j < 4; ++j) CHECK(t.heads[1].weights(0, j) == Approx(0.25).epsilon(1e-6));
    }
  }
  SECTION("a sink on a fully masked row: zeros, not NaN; elsewhere rows sum to less than 1") {
    s.variants.sinks = ap::core::RowVector::Constant(4, 0.3);
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      CHECK(t.empty_rows == std::vector<int>{0, 1});
      CHECK(t.heads[2].weights.row(1).isZero(0.0));
      const double sum = t.heads[2].weights.row(5).sum();
      CHECK(sum < 1.0);
      CHECK(sum > 0.3);
    }
  }
  SECTION("MQA: every query head sees the one K/V head") {
    s.variants.kv_heads = 1;
    s.w_k = ap::test::random_matrix(rng, 8, 2, 0.4);
    s.w_v = ap::test::random_matrix(rng, 8, 3, 0.4);
    s.b_k = ap::test::random_row(rng, 2, 0.1);
    s.b_v = ap::test::random_row(rng, 3, 0.1);
    ap::core::validate_scenario(s);
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      for (int h = 1; h < 4; ++h) {
        CHECK(t.heads[static_cast<std::size_t>(h)].k == t.heads[0].k);
        CHECK(t.heads[static_cast<std::size_t>(h)].v == t.heads[0].v);
      }
    }
  }
  SECTION("ALiBi with bottom-right alignment: the diagonal key gets no bias") {
    s.variants.alibi = true;
    s.mask = {};
    s.mask.causal = ap::core::CausalAlign::bottom_right;
    const auto t = ap::kernels::run_backend("reference", s);
    const auto slopes = ap::core::alibi_slopes(4);
    for (int h = 0; h < 4; ++h)
      for (int i = 2; i < 6; ++i)
        for (int j = 0; j < 4; ++j) {
          const double bias = -slopes[static_cast<std::size_t>(h)] * std::abs(i + (4 - 6) - j);
          CHECK(t.heads[static_cast<std::size_t>(h)].scaled(i, j) ==
                Approx(t.scale * t.heads[static_cast<std::size_t>(h)].scores(i, j) + bias).epsilon(1e-14));
        }
  }
}

TEST_CASE("variants: magnitudes at float's edge give the right number or a listed overflow, never a finite wrong one") {
  SECTION("x ~ 1e18 unscaled: scores near 1e36, finite in float: every backend agrees, nothing listed") {
    const Scenario s = edge_scenario(1e18, "none");
    const auto r = ap::kernels::run_backend("reference", s);
    CHECK(r.nonfinite.empty());
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      CHECK(t.nonfinite.empty());
      CHECK(ap::test::rel_err(t.output, r.output) <= 1e-5);
      for (std::size_t h = 0; h < 2; ++h) CHECK(ap::test::rel_err(t.heads[h].weights, r.heads[h].weights) <= 1e-5);
    }
  }
  SECTION("x ~ 2e19 unscaled: scores past 3.4e38 in float (the reference is fine)") {
    const Scenario s = edge_scenario(2e19, "none");
    const auto r = ap::kernels::run_backend("reference", s);
    CHECK(r.nonfinite.empty());
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      if (backend != "reference") CHECK_FALSE(t.nonfinite.empty());
      check_finite_means_right(t, r);
      // the softmax met +∞: those rows are NaN, not the empty rows' zeros
      CHECK(t.empty_rows.empty());
    }
  }
  SECTION("x ~ 1e-23: scores underflow towards 0 in float, still right") {
    const Scenario s = edge_scenario(1e-23, "none");
    const auto r = ap::kernels::run_backend("reference", s);
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      check_finite_means_right(ap::kernels::run_backend(backend, s), r);
    }
  }
  SECTION("x ~ 1e200 unscaled overflows the reference too; scale 1e308; a learned table near 1e308") {
    std::vector<Scenario> cases = {edge_scenario(1e200, "none"), edge_scenario(1.0, "none"), edge_scenario(1.0, "none")};
    cases[1].scale.kind = ap::core::ScaleKind::multiplier;
    cases[1].scale.multiplier = 1e308;
    cases[2].positional.kind = ap::core::PositionalKind::learned;
    cases[2].positional.learned = ap::core::Matrix::Constant(7, 6, 1.7e308);
    for (const auto& s : cases) {
      const auto r = ap::kernels::run_backend("reference", s);
      CHECK_FALSE(r.nonfinite.empty());
      for (const auto& backend : ap::kernels::backend_names()) {
        INFO(backend);
        const auto t = ap::kernels::run_backend(backend, s);
        CHECK_FALSE(t.nonfinite.empty());
        check_finite_means_right(t, r);
      }
    }
  }
  SECTION("fp16: unscaled scores past 65504 become ∞ and their rows NaN on every backend alike") {
    Scenario s = edge_scenario(200.0, "none");
    s.variants.precision = Precision::fp16;
    const auto r = ap::kernels::run_backend("reference", s);
    REQUIRE_FALSE(r.nonfinite.empty());
    for (const auto& backend : ap::kernels::backend_names()) {
      INFO(backend);
      const auto t = ap::kernels::run_backend(backend, s);
      REQUIRE(t.nonfinite.size() == r.nonfinite.size());
      for (std::size_t c = 0; c < r.nonfinite.size(); ++c) {
        CHECK(t.nonfinite[c].head == r.nonfinite[c].head);
        CHECK(std::string(t.nonfinite[c].matrix) == r.nonfinite[c].matrix);
        CHECK(t.nonfinite[c].row == r.nonfinite[c].row);
        CHECK(t.nonfinite[c].col == r.nonfinite[c].col);
      }
    }
    s.scale.kind = ap::core::ScaleKind::inv_sqrt_dk;  // scaling alone does not save it: q·k itself overflows fp16
    CHECK_FALSE(ap::kernels::run_backend("reference", s).nonfinite.empty());
    s.variants.softcap = 30.0;  // nor does a softcap, which comes after the scores are rounded
    CHECK_FALSE(ap::kernels::run_backend("reference", s).nonfinite.empty());
  }
}

// Hidden: `kernels_tests "[.report]"` prints the worst normwise error per backend and precision (the numbers
// behind the tolerances above).
TEST_CASE("variants: report of the measured errors", "[.report]") {
  std::mt19937 rng(1414);
  std::map<std::string, double> worst;
  for (int trial = 0; trial < 48; ++trial) {
    const Scenario s = random_variant_scenario(rng, trial);
    const auto r = ap::kernels::run_backend("reference", s);
    for (const auto& backend : ap::kernels::backend_names()) {
      double w = 0;
      check_against(ap::kernels::run_backend(backend, s), r, 1.0, &w);
      const std::string key = backend + " " + (s.variants.precision ? ap::core::precision_name(*s.variants.precision) : "native");
      worst[key] = std::max(worst[key], w);
    }
  }
  for (const auto& [key, w] : worst) std::cout << key << " " << w << "\n";
  CHECK_FALSE(worst.empty());
}

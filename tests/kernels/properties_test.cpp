// Properties of attention that hold for any inputs, checked on random scenarios of odd sizes on every
// backend: rows sum to 1 (empty rows exactly 0), permutation equivariance, causality, RoPE's relative
// positions through the whole pipeline, bottom-right = top-left when M = N, finite results at huge scales.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "core/mask.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;
using ap::kernels::backend_names;
using ap::kernels::run_backend;
using ap::test::rel_err;

// Normwise tolerance of a comparison that only reorders floating-point sums.
double tolerance(const std::string& backend) { return backend == "reference" ? 1e-12 : 1e-5; }

// A masked key's weight must be exactly 0 on every backend (Eigen's vectorized exp once gave ~1e-38 here).
double masked_weight_allowance(const std::string&) { return 0.0; }

Scenario random_case(std::mt19937& rng, bool cross) {
  return ap::test::random_scenario(rng, ap::test::random_shape(rng, cross));
}

Matrix permute_rows(const Matrix& m, const std::vector<int>& perm) {  // row i of the result = row perm[i]
  Matrix p(m.rows(), m.cols());
  for (std::size_t i = 0; i < perm.size(); ++i) p.row(static_cast<Eigen::Index>(i)) = m.row(perm[i]);
  return p;
}

}  // namespace

TEST_CASE("properties: weight rows sum to 1, masked weights are 0, empty rows are exactly 0") {
  std::mt19937 rng(101);
  int rows = 0, empty = 0;
  for (auto kind : ap::test::all_mask_kinds())
    for (int trial = 0; trial < 6; ++trial) {
      Scenario s = random_case(rng, trial % 2 == 1);
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      s.positional = ap::test::random_positional(rng, s);
      ap::core::validate_scenario(s);
      const auto allowed = ap::core::allow_matrix(ap::core::MaskRule(s.mask, s.n(), s.m()));
      for (const auto& backend : backend_names()) {
        INFO(backend << ", mask " << ap::test::mask_kind_name(kind) << ", trial " << trial);
        const auto t = run_backend(backend, s);
        CHECK(t.allowed == allowed);
        for (const auto& h : t.heads)
          for (int i = 0; i < s.n(); ++i) {
            const bool is_empty = (allowed.row(i).array() == 0).all();
            if (is_empty) {
              REQUIRE(h.weights.row(i).isZero(0.0));
              REQUIRE(h.output.row(i).isZero(0.0));
              ++empty;
              continue;
            }
            for (int j = 0; j < s.m(); ++j) {
              if (!allowed(i, j)) {
                INFO("weight of a masked key (" << i << ", " << j << "): " << std::hexfloat << h.weights(i, j));
                REQUIRE(h.weights(i, j) <= masked_weight_allowance(backend));
              }
              REQUIRE(h.weights(i, j) >= 0.0);
            }
            REQUIRE(h.weights.row(i).sum() == Approx(1.0).margin(backend == "reference" ? 1e-14 : 1e-6));
            ++rows;
          }
        for (int i : t.empty_rows) CHECK(t.concat.row(i).isZero(0.0));
      }
    }
  CHECK(rows > 1000);
  CHECK(empty > 10);
}

TEST_CASE("properties: without mask or positions, permuting the queries permutes the output") {
  std::mt19937 rng(202);
  for (int trial = 0; trial < 16; ++trial) {
    const bool cross = trial % 2 == 1;
    const Scenario s = random_case(rng, cross);
    std::vector<int> perm(static_cast<std::size_t>(s.n()));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    Scenario p = s;
    p.query.x = permute_rows(s.query.x, perm);
    for (const auto& backend : backend_names()) {
      INFO(backend << ", trial " << trial << (cross ? ", cross-attention" : ", self-attention"));
      const auto a = run_backend(backend, s), b = run_backend(backend, p);
      CHECK(rel_err(b.output, permute_rows(a.output, perm)) <= tolerance(backend));
    }
  }
}

TEST_CASE("properties: in cross-attention, permuting the context (keys with their values) changes nothing") {
  std::mt19937 rng(303);
  for (int trial = 0; trial < 10; ++trial) {
    const Scenario s = random_case(rng, true);
    std::vector<int> perm(static_cast<std::size_t>(s.m()));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    Scenario p = s;
    p.context->x = permute_rows(s.context->x, perm);
    for (const auto& backend : backend_names()) {
      INFO(backend << ", trial " << trial);
      CHECK(rel_err(run_backend(backend, p).output, run_backend(backend, s).output) <= tolerance(backend));
    }
  }
}

TEST_CASE("properties: with a causal mask, changing a later token never changes an earlier output row") {
  std::mt19937 rng(404);
  int changed_rows_seen = 0;
  for (int trial = 0; trial < 24; ++trial) {
    ap::test::Shape shape = ap::test::random_shape(rng, false);
    shape.n = std::max(shape.n, 3);
    Scenario s = ap::test::random_scenario(rng, shape);
    s.mask.causal = trial % 2 ? ap::core::CausalAlign::top_left : ap::core::CausalAlign::bottom_right;
    if (trial % 3 == 0) s.mask.window = ap::test::uniform_int(rng, 1, 4);
    s.positional = ap::test::random_positional(rng, s);
    ap::core::validate_scenario(s);
    const int first_changed = ap::test::uniform_int(rng, 1, s.n() - 1);
    Scenario later = s;
    later.query.x.bottomRows(s.n() - first_changed) =
        ap::test::random_matrix(rng, s.n() - first_changed, s.d_model(), 1.0);
    for (const auto& backend : backend_names()) {
      INFO(backend << ", trial " << trial << ", tokens from " << first_changed << " changed");
      const auto a = run_backend(backend, s), b = run_backend(backend, later);
      // rows before the change: bit for bit for the reference; float kernels are held to the same
      // (today they are exact too), but a future kernel may reorder sums, so allow rounding there
      const double tol = backend == "reference" ? 0.0 : 1e-6;
      CHECK(rel_err(b.output.topRows(first_changed), a.output.topRows(first_changed)) <= tol);
      for (std::size_t h = 0; h < a.heads.size(); ++h)
        CHECK(rel_err(b.heads[h].weights.topRows(first_changed), a.heads[h].weights.topRows(first_changed)) <= tol);
      // and the test can see a change: the first changed row does move
      if (rel_err(b.output.row(first_changed), a.output.row(first_changed)) > 1e-3) ++changed_rows_seen;
    }
  }
  CHECK(changed_rows_seen > 24);
}

TEST_CASE("properties: through the pipeline, RoPE scores depend only on j - i") {
  // every token the same vector: without positions every score would be equal; with RoPE,
  // scores(i, j) is a function of j - i alone (a Toeplitz matrix)
  std::mt19937 rng(505);
  for (auto pairing : {ap::core::RopePairing::interleaved, ap::core::RopePairing::half}) {
    ap::test::Shape shape{9, 0, 8, 2, 6, 3};
    Scenario s = ap::test::random_scenario(rng, shape);
    s.query.x = ap::test::random_matrix(rng, 1, 8, 1.0).replicate(9, 1);
    s.positional.kind = ap::core::PositionalKind::rope;
    s.positional.rope_pairing = pairing;
    s.positional.rope_base = 100.0;
    ap::core::validate_scenario(s);
    for (const auto& backend : backend_names()) {
      INFO(backend);
      const auto t = run_backend(backend, s);
      for (const auto& h : t.heads) {
        const double size = h.scores.cwiseAbs().maxCoeff();
        for (int i = 0; i + 1 < 9; ++i)
          for (int j = 0; j + 1 < 9; ++j)
            CHECK(std::fabs(h.scores(i + 1, j + 1) - h.scores(i, j)) <= tolerance(backend) * size);
        CHECK(std::fabs(h.scores(0, 0) - h.scores(0, 3)) > 1e-3 * size);  // positions do matter
      }
    }
  }
}

TEST_CASE("properties: bottom-right and top-left causal agree when M = N") {
  std::mt19937 rng(606);
  for (int trial = 0; trial < 12; ++trial) {
    Scenario s = random_case(rng, false);
    if (trial % 2) {  // cross-attention with M = N
      s.context = ap::core::Sequence{ap::core::default_token_labels(s.n()), ap::test::random_matrix(rng, s.n(), s.d_model(), 1.0)};
    }
    s.mask.causal = ap::core::CausalAlign::top_left;
    if (trial % 3 == 0) s.mask.window = 2;
    Scenario br = s;
    br.mask.causal = ap::core::CausalAlign::bottom_right;
    for (const auto& backend : backend_names()) {
      INFO(backend << ", trial " << trial);
      const auto a = run_backend(backend, s), b = run_backend(backend, br);
      CHECK(a.allowed == b.allowed);
      CHECK(a.output == b.output);
      for (std::size_t h = 0; h < a.heads.size(); ++h) CHECK(a.heads[h].weights == b.heads[h].weights);
    }
  }
}

TEST_CASE("properties: a huge scale (scores near +-1e6) keeps every backend finite and one-hot") {
  std::mt19937 rng(707);
  for (int trial = 0; trial < 8; ++trial) {
    Scenario s = random_case(rng, trial % 2 == 1);
    s.scale.kind = ap::core::ScaleKind::multiplier;
    s.scale.multiplier = 1e6;
    if (trial % 4 == 0) s.mask.causal = ap::core::CausalAlign::top_left;
    ap::core::validate_scenario(s);
    const auto reference = run_backend("reference", s);
    for (const auto& backend : backend_names()) {
      INFO(backend << ", trial " << trial);
      const auto t = run_backend(backend, s);
      CHECK(t.output.allFinite());
      for (std::size_t h = 0; h < t.heads.size(); ++h) {
        const auto& w = t.heads[h].weights;
        REQUIRE(w.allFinite());
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
          CHECK(w.row(i).sum() == Approx(1.0).margin(1e-6));
          if (backend != "reference") continue;
          // the reference puts (almost) all weight on the largest allowed score
          Eigen::Index best = -1;
          (t.heads[h].scores.row(i).array() - (1 - t.allowed.row(i).cast<double>().array()) * 1e300).maxCoeff(&best);
          CHECK(w(i, best) >= 0.5);
        }
      }
    }
  }
}

TEST_CASE("properties: masked weights are exactly 0 on every backend, vectorized rows included") {
  // a causal row of 8+ keys: the vectorized path of the eigen kernel
  std::mt19937 rng(808);
  Scenario s = ap::test::random_scenario(rng, ap::test::Shape{9, 0, 8, 1, 8, 8});
  s.mask.causal = ap::core::CausalAlign::top_left;
  for (const auto& backend : backend_names()) {
    INFO(backend);
    const auto t = run_backend(backend, s);
    double largest_masked = 0;
    for (int i = 0; i < 9; ++i)
      for (int j = i + 1; j < 9; ++j) largest_masked = std::max(largest_masked, t.heads[0].weights(i, j));
    INFO("largest weight of a masked key: " << largest_masked);
    CHECK(largest_masked == 0.0);
  }
}

// The fast CPU kernels (`simd`, `tiled`) and their packed sgemm against the double reference: odd sizes
// that cross the query blocks (96 rows), key blocks (256 keys) and register tiles; every mask kind with
// empty rows, bottom-right alignment and windows wider than a block; large magnitudes; the recorded
// scores and weights; matmul shapes around the cache blocks. Normwise relative error ≤ 1e-5 for simd,
// ≤ 1e-4 for tiled (its online rescaling reorders the sums; in practice it stays near 1e-6).
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "core/kernel.hpp"
#include "core/mask.hpp"
#include "core/reference_kernel.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;
using ap::test::MaskKind;

const std::vector<std::string> fast_backends = {"simd", "tiled"};

double tolerance(const std::string& backend) { return backend == "tiled" ? 1e-4 : 1e-5; }

// Every recorded matrix of `backend` against the reference; returns the worst error seen.
double check_against_reference(const Scenario& s, const std::string& backend) {
  const auto r = ap::kernels::run_backend("reference", s);
  const auto t = ap::kernels::run_backend(backend, s);
  double worst = 0;
  const auto check = [&](const char* what, const Matrix& got, const Matrix& want) {
    const double err = ap::test::rel_err(got, want);
    worst = std::max(worst, err);
    INFO(what << ": " << err);
    CHECK(err <= tolerance(backend));
  };
  check("output", t.output, r.output);
  check("concat", t.concat, r.concat);
  REQUIRE(t.heads.size() == r.heads.size());
  for (std::size_t h = 0; h < r.heads.size(); ++h) {
    check("scores", t.heads[h].scores, r.heads[h].scores);
    check("weights", t.heads[h].weights, r.heads[h].weights);
    check("head output", t.heads[h].output, r.heads[h].output);
    // masked keys weigh exactly 0, empty rows are exactly 0
    int masked_nonzero = 0;
    for (Eigen::Index i = 0; i < t.allowed.rows(); ++i)
      for (Eigen::Index j = 0; j < t.allowed.cols(); ++j)
        if (!t.allowed(i, j) && t.heads[h].weights(i, j) != 0.0) ++masked_nonzero;
    CHECK(masked_nonzero == 0);
  }
  CHECK(t.empty_rows == r.empty_rows);
  for (int i : t.empty_rows) CHECK(t.concat.row(i).isZero(0.0));
  return worst;
}

Scenario scenario_of(std::mt19937& rng, int n, int m, int heads, int d_k, int d_v) {
  ap::test::Shape shape;
  shape.n = n;
  shape.m = m == n ? 0 : m;
  shape.d_model = 13;
  shape.heads = heads;
  shape.d_k = d_k;
  shape.d_v = d_v;
  return ap::test::random_scenario(rng, shape);
}

}  // namespace

TEST_CASE("fast kernels: every mask kind on sizes that cross the query and key blocks") {
  std::mt19937 rng(4242);
  struct Size { int n, m, d_k, d_v; };
  // 97 and 193 queries cross the 96-row blocks; 257, 300, 513 and 600 keys cross the 256-key blocks;
  // d_k/d_v of 3, 7, 17, 33 cross the 4/8-row and 8/16/32-column register tiles
  const Size sizes[] = {{1, 5, 3, 2}, {7, 7, 17, 7}, {97, 97, 33, 17}, {193, 300, 7, 33}, {300, 257, 17, 7},
                        {600, 513, 9, 11}, {513, 600, 5, 3}};
  double worst = 0;
  for (const Size& size : sizes)
    for (auto kind : ap::test::all_mask_kinds()) {
      Scenario s = scenario_of(rng, size.n, size.m, size.n > 300 ? 1 : 2, size.d_k, size.d_v);
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      ap::core::validate_scenario(s);
      for (const auto& backend : fast_backends) {
        INFO(backend << ", mask " << ap::test::mask_kind_name(kind) << ", N " << s.n() << ", M " << s.m() << ", d_k "
                     << s.d_k << ", d_v " << s.d_v);
        worst = std::max(worst, check_against_reference(s, backend));
      }
    }
  CHECK(worst > 0);  // the float kernels do differ from the double reference: the checks are not vacuous
}

TEST_CASE("fast kernels: causal and windowed masks wider than a block, both alignments, empty rows") {
  std::mt19937 rng(4343);
  struct Case { int n, m; ap::core::CausalAlign align; int window; };
  const Case cases[] = {
      {600, 600, ap::core::CausalAlign::top_left, 0},       // the diagonal crosses every block
      {600, 600, ap::core::CausalAlign::top_left, 300},     // a band wider than a key block
      {400, 700, ap::core::CausalAlign::bottom_right, 0},   // M > N: every row sees keys from the start
      {700, 400, ap::core::CausalAlign::bottom_right, 0},   // M < N: the first 300 rows see nothing
      {700, 400, ap::core::CausalAlign::bottom_right, 257}, // and a band of 257 after them
      {500, 200, ap::core::CausalAlign::top_left, 50},      // N > M + w: the last rows see nothing
      {333, 333, ap::core::CausalAlign::top_left, 1},       // each row sees itself only
  };
  for (const Case& c : cases) {
    Scenario s = scenario_of(rng, c.n, c.m, 1, 8, 5);
    s.mask.causal = c.align;
    s.mask.window = c.window;
    ap::core::validate_scenario(s);
    for (const auto& backend : fast_backends) {
      INFO(backend << ": N " << c.n << ", M " << c.m << ", window " << c.window
                   << (c.align == ap::core::CausalAlign::bottom_right ? ", bottom-right" : ", top-left"));
      check_against_reference(s, backend);
    }
  }
}

TEST_CASE("fast kernels: allow and key_valid masks with whole rows and whole key blocks closed") {
  std::mt19937 rng(4444);
  Scenario s = scenario_of(rng, 300, 520, 2, 6, 9);
  ap::core::AllowMatrix allow = ap::core::AllowMatrix::Ones(300, 520);
  for (int i = 0; i < 300; i += 7) allow.row(i).setZero();       // empty rows, in several query blocks
  allow.block(100, 256, 100, 256).setZero();                      // a whole key block closed for some rows
  std::vector<std::uint8_t> key_valid(520, 1);
  for (int j = 0; j < 520; j += 3) key_valid[static_cast<std::size_t>(j)] = 0;
  s.mask.allow = allow;
  s.mask.key_valid = key_valid;
  s.mask.causal = ap::core::CausalAlign::bottom_right;
  ap::core::validate_scenario(s);
  for (const auto& backend : fast_backends) {
    INFO(backend);
    check_against_reference(s, backend);
  }
}

TEST_CASE("fast kernels: large magnitudes stay finite and accurate") {
  std::mt19937 rng(4545);
  for (double multiplier : {30.0, 1e3, -20.0}) {
    Scenario s = scenario_of(rng, 130, 290, 2, 16, 8);
    s.scale.kind = ap::core::ScaleKind::multiplier;
    s.scale.multiplier = multiplier;  // scaled scores of tens to thousands: exp would overflow unshifted
    s.query.x *= 4.0;
    s.mask.causal = ap::core::CausalAlign::bottom_right;
    ap::core::validate_scenario(s);
    const auto r = ap::kernels::run_backend("reference", s);
    const auto scalar = ap::kernels::run_backend("scalar", s);
    for (const auto& backend : fast_backends) {
      INFO(backend << ", scale " << multiplier);
      const auto t = ap::kernels::run_backend(backend, s);
      REQUIRE(t.output.allFinite());
      for (const auto& h : t.heads) {
        REQUIRE(h.weights.allFinite());
        for (Eigen::Index i = 0; i < h.weights.rows(); ++i) CHECK(h.weights.row(i).sum() == Approx(1.0).margin(1e-5));
      }
      // scores of this size are rounded to float before the softmax in every float kernel: hold the fast
      // kernels to the portable scalar kernel's own distance from the reference (and never worse than 1e-3)
      const double scalar_err = ap::test::rel_err(scalar.output, r.output);
      const double err = ap::test::rel_err(t.output, r.output);
      INFO("error " << err << ", scalar kernel's " << scalar_err);
      CHECK(err <= std::max(4 * scalar_err, tolerance(backend)));
      CHECK(err <= 1e-3);
    }
  }
}

TEST_CASE("fast kernels: recording scores and weights leaves the output bit for bit the same") {
  std::mt19937 rng(4646);
  for (auto kind : ap::test::all_mask_kinds()) {
    Scenario s = scenario_of(rng, 270, 530, 2, 12, 10);
    s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
    ap::core::validate_scenario(s);
    for (const auto& backend : fast_backends) {
      INFO(backend << ", mask " << ap::test::mask_kind_name(kind));
      const auto full = ap::kernels::run_backend(backend, s);
      const auto lean = ap::kernels::run_backend(backend, s, ap::core::TraceOptions{false});
      CHECK(lean.heads.empty());
      CHECK(lean.output == full.output);
      for (const auto& h : full.heads)
        for (Eigen::Index i = 0; i < h.weights.rows(); ++i) {
          const double sum = h.weights.row(i).sum();
          CHECK((sum == 0.0 || std::abs(sum - 1.0) <= 1e-5));
        }
    }
  }
}

TEST_CASE("fast kernels: a head problem with weights but no scores, and with row strides") {
  // attend directly, as a caller other than the pipeline might: only weights recorded, strided rows
  std::mt19937 rng(4747);
  const int n = 150, m = 280, dk = 10, dv = 6, stride = 23;
  const Matrix q = ap::test::random_matrix(rng, n, stride, 1.0), k = ap::test::random_matrix(rng, m, stride, 1.0),
               v = ap::test::random_matrix(rng, m, stride, 1.0);
  ap::core::MaskSpec spec;
  spec.causal = ap::core::CausalAlign::bottom_right;
  spec.window = 200;
  const ap::core::MaskRule mask(spec, n, m);

  ap::core::HeadProblem<double> rp{n, m, dk, dv, q.data() + 3, stride, k.data() + 5, stride, v.data() + 1, stride,
                                   0.4, &mask};
  Matrix r_out = Matrix::Zero(n, stride), r_weights(n, m);
  rp.weights = r_weights.data();
  rp.out = r_out.data() + 2;
  rp.out_stride = stride;
  ap::core::ReferenceKernel().attend(rp);

  const ap::core::MatrixF qf = q.cast<float>(), kf = k.cast<float>(), vf = v.cast<float>();
  for (const auto& backend : fast_backends) {
    INFO(backend);
    ap::core::HeadProblem<float> p{n, m, dk, dv, qf.data() + 3, stride, kf.data() + 5, stride, vf.data() + 1, stride,
                                   0.4f, &mask};
    ap::core::MatrixF out = ap::core::MatrixF::Constant(n, stride, 7.0f), weights(n, m);
    p.weights = weights.data();
    p.out = out.data() + 2;
    p.out_stride = stride;
    ap::kernels::make_float_kernel(backend)->attend(p);
    const Matrix got = out.cast<double>();
    CHECK(ap::test::rel_err(got.middleCols(2, dv), r_out.middleCols(2, dv)) <= tolerance(backend));
    CHECK(ap::test::rel_err(weights.cast<double>(), r_weights) <= tolerance(backend));
    // the columns outside the head's block are untouched
    CHECK((out.leftCols(2).array() == 7.0f).all());
    CHECK((out.rightCols(stride - 2 - dv).array() == 7.0f).all());
  }
}

TEST_CASE("fast kernels: matmul on shapes around the register tiles and cache blocks") {
  std::mt19937 rng(4848);
  struct Shape { int rows, inner, cols; };
  // inner 257 and 600 cross the 256-deep blocks; rows 97, 193 the 96-row blocks; cols 2049 the 2048 block
  const Shape shapes[] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {17, 33, 65}, {97, 257, 31}, {193, 600, 9}, {5, 3, 2049}};
  for (const Shape& sh : shapes) {
    const Matrix a = ap::test::random_matrix(rng, sh.rows, sh.inner, 1.0), b = ap::test::random_matrix(rng, sh.inner, sh.cols, 1.0);
    const Matrix want = a * b;
    const ap::core::MatrixF af = a.cast<float>(), bf = b.cast<float>();
    for (const auto& backend : fast_backends) {
      INFO(backend << ": " << sh.rows << " × " << sh.inner << " · " << sh.inner << " × " << sh.cols);
      ap::core::MatrixF c = ap::core::MatrixF::Constant(sh.rows, sh.cols, std::numeric_limits<float>::quiet_NaN());
      ap::kernels::make_float_kernel(backend)->matmul(af.data(), bf.data(), c.data(), sh.rows, sh.inner, sh.cols);
      CHECK(ap::test::rel_err(c.cast<double>(), want) <= 1e-5);
    }
  }
}

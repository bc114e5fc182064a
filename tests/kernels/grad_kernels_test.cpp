// The float backward backends (simd, tiled) against the double reference backward on random scenarios of odd
// sizes, every mask kind and positional encoding, including sizes past one query block (96 rows) and one key
// block (256 keys), so the tiled loop's skipped and partial tiles are exercised.
#include <catch2/catch.hpp>

#include <random>

#include "kernels/grad_kernels.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Gradients;
using ap::core::Matrix;
using ap::test::rel_err;

// ∂L/∂b_k is zero in exact arithmetic (softmax rows' gradients sum to zero), so it is rounding noise, measured
// against the size of the key and value paths' gradients (∂L/∂w_k is itself zero when every row sees one key).
double b_k_error(const Gradients& got, const Gradients& want) {
  const double scale = std::max(want.d_w_k.cwiseAbs().maxCoeff(), want.d_w_v.cwiseAbs().maxCoeff());
  const double diff = (got.d_b_k - want.d_b_k).cwiseAbs().maxCoeff();
  return scale > 0 ? diff / scale : diff;
}

void check_close(const Gradients& got, const Gradients& want, double tolerance) {
  CHECK(rel_err(got.d_x, want.d_x) <= tolerance);
  CHECK(rel_err(got.d_w_q, want.d_w_q) <= tolerance);
  CHECK(rel_err(got.d_w_k, want.d_w_k) <= tolerance);
  CHECK(rel_err(got.d_w_v, want.d_w_v) <= tolerance);
  CHECK(rel_err(got.d_w_o, want.d_w_o) <= tolerance);
  CHECK(rel_err(Matrix(got.d_b_q), Matrix(want.d_b_q)) <= tolerance);
  CHECK(b_k_error(got, want) <= tolerance);
  CHECK(rel_err(Matrix(got.d_b_v), Matrix(want.d_b_v)) <= tolerance);
  CHECK(rel_err(Matrix(got.d_b_o), Matrix(want.d_b_o)) <= tolerance);
  REQUIRE(got.d_context_x.has_value() == want.d_context_x.has_value());
  if (want.d_context_x) CHECK(rel_err(*got.d_context_x, *want.d_context_x) <= tolerance);
  REQUIRE(got.d_learned.has_value() == want.d_learned.has_value());
  if (want.d_learned) CHECK(rel_err(*got.d_learned, *want.d_learned) <= tolerance);
}

}  // namespace

TEST_CASE("grad kernels: simd and tiled match the double reference backward on random scenarios") {
  std::mt19937 rng(777);
  for (const auto kind : ap::test::all_mask_kinds())
    for (const bool cross : {false, true}) {
      ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, cross));
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      s.positional = ap::test::random_positional(rng, s);
      s.d_output = ap::test::random_matrix(rng, s.n(), s.d_model(), 1.0);
      ap::core::validate_scenario(s);
      const Gradients want = ap::core::reference_gradients(s);
      for (const char* backend : {"simd", "tiled"}) {
        INFO(backend << ", mask " << ap::test::mask_kind_name(kind) << ", N " << s.n() << ", M " << s.m()
                     << ", d_model " << s.d_model() << ", heads " << s.heads << ", d_k " << s.d_k << ", d_v " << s.d_v);
        const Gradients got = ap::kernels::run_grad_backend(backend, s);
        CHECK(got.backend == backend);
        check_close(got, want, 1e-4);
      }
    }
}

TEST_CASE("grad kernels: several query and key blocks, masks closing whole tiles") {
  std::mt19937 rng(4242);
  struct Case {
    int n, m;
    ap::test::MaskKind mask;
  };
  // 260 queries × 300 keys: 3 query blocks, 2 key blocks (the second partial); windows close most tiles.
  for (const Case c : {Case{260, 0, ap::test::MaskKind::causal_top_left}, Case{200, 300, ap::test::MaskKind::window_bottom_right},
                       Case{97, 513, ap::test::MaskKind::object_and}, Case{300, 0, ap::test::MaskKind::key_valid}}) {
    const ap::test::Shape shape{.n = c.n, .m = c.m, .d_model = 12, .heads = 2, .d_k = 6, .d_v = 5};
    ap::core::Scenario s = ap::test::random_scenario(rng, shape);
    s.mask = ap::test::random_mask(rng, c.mask, s.n(), s.m());
    s.d_output = ap::test::random_matrix(rng, s.n(), s.d_model(), 1.0);
    ap::core::validate_scenario(s);
    const Gradients want = ap::core::reference_gradients(s);
    for (const char* backend : {"simd", "tiled"}) {
      INFO(backend << ", N " << s.n() << ", M " << s.m() << ", mask " << ap::test::mask_kind_name(c.mask));
      check_close(ap::kernels::run_grad_backend(backend, s), want, 1e-4);
    }
  }
}

TEST_CASE("grad kernels: the forward's row log-sum-exp is what the backward rebuilds the weights from") {
  std::mt19937 rng(99);
  const ap::test::Shape shape{.n = 130, .m = 270, .d_model = 8, .heads = 1, .d_k = 4, .d_v = 3};
  const ap::core::Scenario s = ap::test::random_scenario(rng, shape);
  const ap::core::Trace reference = ap::core::compute_reference(s);
  const Matrix& w = reference.heads[0].weights;  // softmax(scale · scores): lse_i = scaled_ij − log w_ij
  for (const char* backend : {"simd", "tiled"}) {
    INFO(backend);
    auto grad = ap::kernels::make_float_grad_kernel(backend);
    REQUIRE(grad);
    const auto q = reference.heads[0].q.cast<float>().eval();
    const auto k = reference.heads[0].k.cast<float>().eval();
    const auto v = reference.heads[0].v.cast<float>().eval();
    const ap::core::MaskRule mask(s.mask, s.n(), s.m());
    ap::core::MatrixF out(s.n(), s.d_v);
    std::vector<float> lse(static_cast<std::size_t>(s.n()));
    ap::core::HeadProblem<float> p{.n = s.n(), .m = s.m(), .d_k = s.d_k, .d_v = s.d_v, .q = q.data(), .q_stride = s.d_k,
                                   .k = k.data(), .k_stride = s.d_k, .v = v.data(), .v_stride = s.d_v,
                                   .scale = static_cast<float>(reference.scale), .mask = &mask,
                                   .row_lse = lse.data(), .out = out.data(), .out_stride = s.d_v};
    grad->forward().attend(p);
    for (int i = 0; i < s.n(); i += 17) {
      const double want = reference.heads[0].scaled(i, 0) - std::log(w(i, 0));
      CHECK(std::abs(lse[static_cast<std::size_t>(i)] - want) <= 1e-5 * std::max(1.0, std::abs(want)));
    }
  }
}

// The double reference's gradients against central finite differences of its own forward pass: a check
// independent of torch and of the backward's algebra, on small random scenarios of every mask kind and
// positional encoding (self- and cross-attention, d_k ≠ d_v, empty rows).
#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/layer_grad.hpp"
#include "core/pipeline.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;

double loss(const Scenario& s, const Matrix& g) {
  return (ap::core::compute_reference(s).output.array() * g.array()).sum();
}

// Central differences of L over every entry of one input (a matrix or a row vector, both row-major).
Matrix finite_differences(Scenario& s, const Matrix& g, double* entries, Eigen::Index rows, Eigen::Index cols) {
  constexpr double h = 1e-5;  // L is smooth and O(1): truncation O(h²) ≈ 1e-10, rounding ≈ 1e-16 / h ≈ 1e-11
  Matrix fd(rows, cols);
  for (Eigen::Index c = 0; c < rows * cols; ++c) {
    const double saved = entries[c];
    entries[c] = saved + h;
    const double up = loss(s, g);
    entries[c] = saved - h;
    const double down = loss(s, g);
    entries[c] = saved;
    fd.data()[c] = (up - down) / (2 * h);
  }
  return fd;
}

// max |a − fd| over max(1, max |fd|): relative for large gradients, absolute for those near zero (∂L/∂b_k is
// zero in exact arithmetic).
double difference(const Matrix& analytic, const Matrix& fd) {
  if (analytic.rows() != fd.rows() || analytic.cols() != fd.cols()) return 1e300;
  return (analytic - fd).cwiseAbs().maxCoeff() / std::max(1.0, fd.cwiseAbs().maxCoeff());
}

ap::test::Shape small_shape(std::mt19937& rng, bool cross) {
  const auto draw = [&](int lo, int hi) { return ap::test::uniform_int(rng, lo, hi); };
  ap::test::Shape shape;  // drawn in this order, so the scenarios stay the same
  shape.n = draw(1, 5);
  shape.m = cross ? draw(1, 5) : 0;
  shape.d_model = draw(1, 5);
  shape.heads = draw(1, 2);
  shape.d_k = 2 * draw(1, 2);  // even, so RoPE can be drawn
  shape.d_v = draw(1, 4);
  return shape;
}

}  // namespace

TEST_CASE("grad: the reference backward matches central finite differences of the forward") {
  std::mt19937 rng(20240613);
  int scenarios = 0;
  for (const auto kind : ap::test::all_mask_kinds())
    for (const bool cross : {false, true}) {
      Scenario s = ap::test::random_scenario(rng, small_shape(rng, cross));
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      s.positional = ap::test::random_positional(rng, s);
      const Matrix g = ap::test::random_matrix(rng, s.n(), s.d_model(), 1.0);
      s.d_output = g;
      ap::core::validate_scenario(s);
      const ap::core::Gradients grads = ap::core::reference_gradients(s);
      INFO("mask " << ap::test::mask_kind_name(kind) << (cross ? ", cross" : ", self") << ", N " << s.n() << ", M "
                   << s.m() << ", d_model " << s.d_model() << ", heads " << s.heads << ", d_k " << s.d_k << ", d_v "
                   << s.d_v << ", positional " << static_cast<int>(s.positional.kind));
      const auto check = [&](const std::string& what, const Matrix& analytic, double* entries, Eigen::Index rows,
                             Eigen::Index cols) {
        const double d = difference(analytic, finite_differences(s, g, entries, rows, cols));
        INFO(what << ": " << d);
        CHECK(d < 1e-7);
      };
      check("d_x", grads.d_x, s.query.x.data(), s.query.x.rows(), s.query.x.cols());
      check("d_w_q", grads.d_w_q, s.w_q.data(), s.w_q.rows(), s.w_q.cols());
      check("d_w_k", grads.d_w_k, s.w_k.data(), s.w_k.rows(), s.w_k.cols());
      check("d_w_v", grads.d_w_v, s.w_v.data(), s.w_v.rows(), s.w_v.cols());
      check("d_w_o", grads.d_w_o, s.w_o.data(), s.w_o.rows(), s.w_o.cols());
      check("d_b_q", Matrix(grads.d_b_q), s.b_q.data(), 1, s.b_q.cols());
      check("d_b_k", Matrix(grads.d_b_k), s.b_k.data(), 1, s.b_k.cols());
      check("d_b_v", Matrix(grads.d_b_v), s.b_v.data(), 1, s.b_v.cols());
      check("d_b_o", Matrix(grads.d_b_o), s.b_o.data(), 1, s.b_o.cols());
      REQUIRE(grads.d_context_x.has_value() == cross);
      if (cross) check("d_context_x", *grads.d_context_x, s.context->x.data(), s.context->x.rows(), s.context->x.cols());
      REQUIRE(grads.d_learned.has_value() == (s.positional.kind == ap::core::PositionalKind::learned));
      if (grads.d_learned)
        check("d_learned", *grads.d_learned, s.positional.learned.data(), s.positional.learned.rows(),
              s.positional.learned.cols());
      ++scenarios;
    }
  CHECK(scenarios == 16);
}

TEST_CASE("grad: G defaults to all ones, and d_output is validated like every matrix") {
  Scenario s = ap::core::make_scenario(Matrix::Random(3, 2));
  CHECK(ap::core::output_gradient(s).isOnes(0.0));
  s.d_output = Matrix::Zero(2, 2);
  CHECK_THROWS_AS(ap::core::validate_scenario(s), ap::core::InputError);
  s.d_output = Matrix::Zero(3, 2);
  (*s.d_output)(1, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(ap::core::validate_scenario(s), ap::core::InputError);
  s.d_output = Matrix::Zero(3, 2);
  ap::core::validate_scenario(s);
  // G = 0: every gradient is zero
  const ap::core::Gradients g = ap::core::reference_gradients(s);
  CHECK(g.d_x.isZero(0.0));
  CHECK(g.d_w_o.isZero(0.0));
  CHECK(g.d_b_o.isZero(0.0));
}

TEST_CASE("gradients: variants the backward does not cover are refused by name; fp32 is the backend's arithmetic") {
  ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(3, 4), 2);
  const auto refused = [&](const ap::core::Scenario& v, const std::string& field) {
    try {
      ap::core::reference_gradients(v);
      FAIL("accepted " << field);
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.field == field);
    }
  };
  auto v = s;
  v.variants.precision = ap::core::Precision::fp16;
  refused(v, "precision");
  v = s;
  v.variants.precision = ap::core::Precision::bf16;
  refused(v, "precision");
  v = s;
  v.variants.alibi = true;
  refused(v, "alibi");
  v = s;
  v.variants.softcap = 5.0;
  refused(v, "softcap");
  v = s;
  v.variants.mask_fill = -1e9;
  refused(v, "mask_fill");
  v = s;
  v.variants.precision = ap::core::Precision::fp32;
  const auto a = ap::core::reference_gradients(v), b = ap::core::reference_gradients(s);
  CHECK(a.d_x == b.d_x);
  CHECK(a.d_w_q == b.d_w_q);
}

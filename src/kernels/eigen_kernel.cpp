// Eigen float kernel: scores as one product, masked softmax by rows, weights · V as one product.
#include "kernels/eigen_kernel.hpp"

#include <limits>
#include <vector>

#include "core/matrix.hpp"
#include "core/score_mod.hpp"
#include "core/softmax.hpp"

namespace ap::kernels {

namespace {
using RowMajorF = core::MatrixF;
using Map = Eigen::Map<RowMajorF>;
using ConstMap = Eigen::Map<const RowMajorF>;
using StridedConstMap = Eigen::Map<const RowMajorF, 0, Eigen::OuterStride<>>;
using StridedMap = Eigen::Map<RowMajorF, 0, Eigen::OuterStride<>>;
}  // namespace

void EigenKernel::matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) {
  Map(c, rows, cols).noalias() = ConstMap(a, rows, inner) * ConstMap(b, inner, cols);
}

void EigenKernel::attend(const core::HeadProblem<float>& p) {
  const StridedConstMap q(p.q, p.n, p.d_k, Eigen::OuterStride<>(p.q_stride));
  const StridedConstMap k(p.k, p.m, p.d_k, Eigen::OuterStride<>(p.k_stride));
  const StridedConstMap v(p.v, p.m, p.d_v, Eigen::OuterStride<>(p.v_stride));
  StridedMap out(p.out, p.n, p.d_v, Eigen::OuterStride<>(p.out_stride));

  RowMajorF scores = q * k.transpose();  // n × m
  const core::MaskRule& mask = *p.mask;
  if (!p.variants.textbook() || core::scores_may_be_nonfinite(p)) {
    // the variants, or scores that may overflow: core's score_mod and softmax by rows
    RowMajorF weights(p.n, p.m);
    std::vector<float> scaled(static_cast<std::size_t>(p.m));
    for (int i = 0; i < p.n; ++i) {
      for (int j = 0; j < p.m; ++j) scores(i, j) = core::round_score(p.variants, scores(i, j));
      core::scaled_scores_row(p, i, 0, p.m, scores.row(i).data(), scaled.data());
      core::softmax_row(scaled.data(), mask, i, p.variants, weights.row(i).data());
    }
    out.noalias() = weights * v;
    if (p.scores) Map(p.scores, p.n, p.m) = scores;
    if (p.weights) Map(p.weights, p.n, p.m) = weights;
    return;
  }
  RowMajorF weights = p.scale * scores;
  for (int i = 0; i < p.n; ++i) {
    auto row = weights.row(i);
    if (!mask.is_none())
      for (int j = 0; j < p.m; ++j)
        if (!mask.allowed(i, j)) row(j) = -std::numeric_limits<float>::infinity();
    const float row_max = row.maxCoeff();
    if (row_max == -std::numeric_limits<float>::infinity()) {
      row.setZero();  // no allowed key: zero weights, zero output
      continue;
    }
    row = (row.array() - row_max).exp();
    // Eigen's vectorized exp clamps its argument near −88.7, so exp(−∞) gives ~1e-38, not 0: zero masked keys.
    if (!mask.is_none())
      for (int j = 0; j < p.m; ++j)
        if (!mask.allowed(i, j)) row(j) = 0.0f;
    row /= row.sum();
  }
  out.noalias() = weights * v;
  if (p.scores) Map(p.scores, p.n, p.m) = scores;
  if (p.weights) Map(p.weights, p.n, p.m) = weights;
}

}  // namespace ap::kernels

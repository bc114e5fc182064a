// Reference backward of one head (see reference_grad.hpp): clarity over speed.
#include "core/reference_grad.hpp"

#include <vector>

namespace ap::core {

namespace {

std::size_t at(int row, int stride, int col) { return static_cast<std::size_t>(row) * stride + col; }

}  // namespace

void weighted_sum_backward(const HeadGradProblem<double>& p, const double* weights, double* d_weights) {
  const auto& f = p.forward;
  for (int i = 0; i < f.n; ++i)
    for (int j = 0; j < f.m; ++j) {
      double acc = 0;
      for (int c = 0; c < f.d_v; ++c) acc += p.out_grad[at(i, p.out_grad_stride, c)] * f.v[at(j, f.v_stride, c)];
      d_weights[at(i, f.m, j)] = acc;
    }
  for (int j = 0; j < f.m; ++j)
    for (int c = 0; c < f.d_v; ++c) {
      double acc = 0;
      for (int i = 0; i < f.n; ++i) acc += weights[at(i, f.m, j)] * p.out_grad[at(i, p.out_grad_stride, c)];
      p.v_grad[at(j, p.v_grad_stride, c)] += acc;
    }
}

void softmax_backward(const HeadGradProblem<double>& p, const double* weights, const double* d_weights, double* d_a) {
  const auto& f = p.forward;
  for (int i = 0; i < f.n; ++i) {
    double dot = 0;  // Σ_k w_ik · d_w_ik
    for (int j = 0; j < f.m; ++j) dot += weights[at(i, f.m, j)] * d_weights[at(i, f.m, j)];
    for (int j = 0; j < f.m; ++j) d_a[at(i, f.m, j)] = weights[at(i, f.m, j)] * (d_weights[at(i, f.m, j)] - dot);
  }
}

void mask_backward(const HeadGradProblem<double>& p, double* d_a) {
  const auto& f = p.forward;
  for (int i = 0; i < f.n; ++i)
    for (int j = 0; j < f.m; ++j)
      if (!f.mask->allowed(i, j)) d_a[at(i, f.m, j)] = 0;
}

void score_transform_backward(const HeadGradProblem<double>& p, const double* d_a, double* d_scores) {
  const auto& f = p.forward;
  for (std::size_t c = 0; c < static_cast<std::size_t>(f.n) * f.m; ++c) d_scores[c] = f.scale * d_a[c];
}

void scores_backward(const HeadGradProblem<double>& p, const double* d_scores) {
  const auto& f = p.forward;
  for (int i = 0; i < f.n; ++i)
    for (int c = 0; c < f.d_k; ++c) {
      double acc = 0;
      for (int j = 0; j < f.m; ++j) acc += d_scores[at(i, f.m, j)] * f.k[at(j, f.k_stride, c)];
      p.q_grad[at(i, p.q_grad_stride, c)] += acc;
    }
  for (int j = 0; j < f.m; ++j)
    for (int c = 0; c < f.d_k; ++c) {
      double acc = 0;
      for (int i = 0; i < f.n; ++i) acc += d_scores[at(i, f.m, j)] * f.q[at(i, f.q_stride, c)];
      p.k_grad[at(j, p.k_grad_stride, c)] += acc;
    }
}

void ReferenceGradKernel::gemm(bool a_transposed, bool b_transposed, int rows, int inner, int cols, const double* a,
                               int lda, const double* b, int ldb, double* c, int ldc, bool accumulate) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      double acc = 0;
      for (int t = 0; t < inner; ++t)
        acc += (a_transposed ? a[at(t, lda, i)] : a[at(i, lda, t)]) * (b_transposed ? b[at(j, ldb, t)] : b[at(t, ldb, j)]);
      c[at(i, ldc, j)] = accumulate ? c[at(i, ldc, j)] + acc : acc;
    }
}

void ReferenceGradKernel::attend_backward(const HeadGradProblem<double>& p) {
  const std::size_t nm = static_cast<std::size_t>(p.forward.n) * p.forward.m;
  std::vector<double> scores(nm), weights(nm), d_weights(nm), d_a(nm), d_scores(nm);
  reference_scores(p.forward, scores.data());                  // recompute: q·kᵀ
  reference_softmax(p.forward, scores.data(), weights.data());  // recompute: scale, mask, softmax
  weighted_sum_backward(p, weights.data(), d_weights.data());
  softmax_backward(p, weights.data(), d_weights.data(), d_a.data());
  mask_backward(p, d_a.data());
  score_transform_backward(p, d_a.data(), d_scores.data());
  scores_backward(p, d_scores.data());
}

}  // namespace ap::core

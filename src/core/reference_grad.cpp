// Reference backward of one head (see reference_grad.hpp): clarity over speed.
#include "core/reference_grad.hpp"

#include <vector>

namespace ap::core {

namespace {

std::size_t at(int row, int stride, int col) { return static_cast<std::size_t>(row) * stride + col; }

// The forward problem of the same head, to recompute its scores and weights with the forward's functions.
HeadProblem<double> forward_problem(const HeadGradProblem<double>& p) {
  HeadProblem<double> f;
  f.n = p.n; f.m = p.m; f.d_k = p.d_k; f.d_v = p.d_v;
  f.q = p.q; f.q_stride = p.q_stride;
  f.k = p.k; f.k_stride = p.k_stride;
  f.v = p.v; f.v_stride = p.v_stride;
  f.scale = p.scale;
  f.mask = p.mask;
  return f;
}

}  // namespace

void weighted_sum_backward(const HeadGradProblem<double>& p, const double* weights, double* d_weights) {
  for (int i = 0; i < p.n; ++i)
    for (int j = 0; j < p.m; ++j) {
      double acc = 0;
      for (int c = 0; c < p.d_v; ++c) acc += p.out_grad[at(i, p.out_grad_stride, c)] * p.v[at(j, p.v_stride, c)];
      d_weights[at(i, p.m, j)] = acc;
    }
  for (int j = 0; j < p.m; ++j)
    for (int c = 0; c < p.d_v; ++c) {
      double acc = 0;
      for (int i = 0; i < p.n; ++i) acc += weights[at(i, p.m, j)] * p.out_grad[at(i, p.out_grad_stride, c)];
      p.v_grad[at(j, p.v_grad_stride, c)] += acc;
    }
}

void softmax_backward(const HeadGradProblem<double>& p, const double* weights, const double* d_weights, double* d_a) {
  for (int i = 0; i < p.n; ++i) {
    double dot = 0;  // Σ_k w_ik · d_w_ik
    for (int j = 0; j < p.m; ++j) dot += weights[at(i, p.m, j)] * d_weights[at(i, p.m, j)];
    for (int j = 0; j < p.m; ++j) d_a[at(i, p.m, j)] = weights[at(i, p.m, j)] * (d_weights[at(i, p.m, j)] - dot);
  }
}

void mask_backward(const HeadGradProblem<double>& p, double* d_a) {
  for (int i = 0; i < p.n; ++i)
    for (int j = 0; j < p.m; ++j)
      if (!p.mask->allowed(i, j)) d_a[at(i, p.m, j)] = 0;
}

void score_transform_backward(const HeadGradProblem<double>& p, const double* d_a, double* d_scores) {
  for (std::size_t c = 0; c < static_cast<std::size_t>(p.n) * p.m; ++c) d_scores[c] = p.scale * d_a[c];
}

void scores_backward(const HeadGradProblem<double>& p, const double* d_scores) {
  for (int i = 0; i < p.n; ++i)
    for (int c = 0; c < p.d_k; ++c) {
      double acc = 0;
      for (int j = 0; j < p.m; ++j) acc += d_scores[at(i, p.m, j)] * p.k[at(j, p.k_stride, c)];
      p.q_grad[at(i, p.q_grad_stride, c)] += acc;
    }
  for (int j = 0; j < p.m; ++j)
    for (int c = 0; c < p.d_k; ++c) {
      double acc = 0;
      for (int i = 0; i < p.n; ++i) acc += d_scores[at(i, p.m, j)] * p.q[at(i, p.q_stride, c)];
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
  const std::size_t nm = static_cast<std::size_t>(p.n) * p.m;
  std::vector<double> scores(nm), weights(nm), d_weights(nm), d_a(nm), d_scores(nm);
  const HeadProblem<double> f = forward_problem(p);
  reference_scores(f, scores.data());                  // recompute: q·kᵀ
  reference_softmax(f, scores.data(), weights.data());  // recompute: scale, mask, softmax
  weighted_sum_backward(p, weights.data(), d_weights.data());
  softmax_backward(p, weights.data(), d_weights.data(), d_a.data());
  mask_backward(p, d_a.data());
  score_transform_backward(p, d_a.data(), d_scores.data());
  scores_backward(p, d_scores.data());
}

}  // namespace ap::core

// Reference kernel: clarity over speed. The variants come from core/score_mod.hpp and core/softmax.hpp.
#include "core/reference_kernel.hpp"

#include <vector>

#include "core/score_mod.hpp"
#include "core/softmax.hpp"

namespace ap::core {

void ReferenceKernel::matmul(const double* a, const double* b, double* c, int rows, int inner, int cols) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      double acc = 0;
      for (int t = 0; t < inner; ++t) acc += a[static_cast<std::size_t>(i) * inner + t] * b[static_cast<std::size_t>(t) * cols + j];
      c[static_cast<std::size_t>(i) * cols + j] = acc;
    }
}

void reference_scores(const HeadProblem<double>& p, double* scores) {
  for (int i = 0; i < p.n; ++i)
    for (int j = 0; j < p.m; ++j) {
      double acc = 0;
      for (int c = 0; c < p.d_k; ++c) acc += p.q[static_cast<std::size_t>(i) * p.q_stride + c] * p.k[static_cast<std::size_t>(j) * p.k_stride + c];
      scores[static_cast<std::size_t>(i) * p.m + j] = round_score(p.variants, acc);
    }
}

void reference_softmax(const HeadProblem<double>& p, const double* scores, double* weights) {
  std::vector<double> scaled(static_cast<std::size_t>(p.m));
  for (int i = 0; i < p.n; ++i) {
    scaled_scores_row(p, i, 0, p.m, scores + static_cast<std::size_t>(i) * p.m, scaled.data());
    softmax_row(scaled.data(), *p.mask, i, p.variants, weights + static_cast<std::size_t>(i) * p.m);
  }
}

void reference_weighted_sum(const HeadProblem<double>& p, const double* weights) {
  for (int i = 0; i < p.n; ++i)
    for (int c = 0; c < p.d_v; ++c) {
      double acc = 0;
      for (int j = 0; j < p.m; ++j) acc += weights[static_cast<std::size_t>(i) * p.m + j] * p.v[static_cast<std::size_t>(j) * p.v_stride + c];
      p.out[static_cast<std::size_t>(i) * p.out_stride + c] = acc;
    }
}

void ReferenceKernel::attend(const HeadProblem<double>& p) {
  const std::size_t nm = static_cast<std::size_t>(p.n) * p.m;
  std::vector<double> own_scores, own_weights;
  double* scores = p.scores;
  double* weights = p.weights;
  if (!scores) { own_scores.resize(nm); scores = own_scores.data(); }
  if (!weights) { own_weights.resize(nm); weights = own_weights.data(); }
  reference_scores(p, scores);           // pass 1: q·kᵀ
  reference_softmax(p, scores, weights); // pass 2: scale, mask, softmax by rows
  reference_weighted_sum(p, weights);    // pass 3: weights · v
}

}  // namespace ap::core

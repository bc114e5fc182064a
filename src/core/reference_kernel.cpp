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

void reference_scores_row(const HeadProblem<double>& p, int i, double* scores_row) {
  for (int j = 0; j < p.m; ++j) {
    double acc = 0;
    for (int c = 0; c < p.d_k; ++c) acc += p.q[static_cast<std::size_t>(i) * p.q_stride + c] * p.k[static_cast<std::size_t>(j) * p.k_stride + c];
    scores_row[j] = round_score(p.variants, acc);
  }
}

void reference_softmax_row(const HeadProblem<double>& p, int i, const double* scores_row, double* scaled_scratch,
                           double* weights_row) {
  scaled_scores_row(p, i, 0, p.m, scores_row, scaled_scratch);
  softmax_row(scaled_scratch, *p.mask, i, p.variants, weights_row);
}

void reference_weighted_sum_row(const HeadProblem<double>& p, int i, const double* weights_row) {
  for (int c = 0; c < p.d_v; ++c) {
    double acc = 0;
    for (int j = 0; j < p.m; ++j) acc += weights_row[j] * p.v[static_cast<std::size_t>(j) * p.v_stride + c];
    p.out[static_cast<std::size_t>(i) * p.out_stride + c] = acc;
  }
}

void reference_scores(const HeadProblem<double>& p, double* scores) {
  for (int i = 0; i < p.n; ++i) reference_scores_row(p, i, scores + static_cast<std::size_t>(i) * p.m);
}

void reference_softmax(const HeadProblem<double>& p, const double* scores, double* weights) {
  std::vector<double> scaled(static_cast<std::size_t>(p.m));
  for (int i = 0; i < p.n; ++i)
    reference_softmax_row(p, i, scores + static_cast<std::size_t>(i) * p.m, scaled.data(),
                          weights + static_cast<std::size_t>(i) * p.m);
}

void reference_weighted_sum(const HeadProblem<double>& p, const double* weights) {
  for (int i = 0; i < p.n; ++i) reference_weighted_sum_row(p, i, weights + static_cast<std::size_t>(i) * p.m);
}

void ReferenceKernel::attend(const HeadProblem<double>& p) {
  // rows of the recorded matrices where there are any, else one row of scratch each (reused)
  const std::size_t m = static_cast<std::size_t>(p.m);
  std::vector<double> own_scores(p.scores ? 0 : m), own_weights(p.weights ? 0 : m), scaled(m);
  for (int i = 0; i < p.n; ++i) {
    double* scores = p.scores ? p.scores + static_cast<std::size_t>(i) * m : own_scores.data();
    double* weights = p.weights ? p.weights + static_cast<std::size_t>(i) * m : own_weights.data();
    reference_scores_row(p, i, scores);                          // pass 1: q_i · kᵀ
    reference_softmax_row(p, i, scores, scaled.data(), weights);  // pass 2: scale, mask, softmax
    reference_weighted_sum_row(p, i, weights);                    // pass 3: weights · v
  }
}

}  // namespace ap::core

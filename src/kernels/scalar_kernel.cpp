// Scalar float kernel: one query row at a time, so memory is O(M) beyond the outputs.
#include "kernels/scalar_kernel.hpp"

#include <vector>

#include "core/score_mod.hpp"
#include "core/softmax.hpp"

namespace ap::kernels {

void ScalarKernel::matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) {
  for (int i = 0; i < rows; ++i) {
    float* ci = c + static_cast<std::size_t>(i) * cols;
    for (int j = 0; j < cols; ++j) ci[j] = 0.0f;
    for (int t = 0; t < inner; ++t) {
      const float a_it = a[static_cast<std::size_t>(i) * inner + t];
      const float* bt = b + static_cast<std::size_t>(t) * cols;
      for (int j = 0; j < cols; ++j) ci[j] += a_it * bt[j];
    }
  }
}

void ScalarKernel::attend(const core::HeadProblem<float>& p) {
  std::vector<float> scores(static_cast<std::size_t>(p.m)), scaled(static_cast<std::size_t>(p.m)),
      weights(static_cast<std::size_t>(p.m));
  for (int i = 0; i < p.n; ++i) {
    const float* qi = p.q + static_cast<std::size_t>(i) * p.q_stride;
    for (int j = 0; j < p.m; ++j) {  // pass 1: q_i·k_j
      const float* kj = p.k + static_cast<std::size_t>(j) * p.k_stride;
      float acc = 0.0f;
      for (int c = 0; c < p.d_k; ++c) acc += qi[c] * kj[c];
      scores[static_cast<std::size_t>(j)] = core::round_score(p.variants, acc);
    }
    core::scaled_scores_row(p, i, 0, p.m, scores.data(), scaled.data());          // the variants' score_mod
    core::softmax_row(scaled.data(), *p.mask, i, p.variants, weights.data());    // pass 2
    float* oi = p.out + static_cast<std::size_t>(i) * p.out_stride;
    for (int c = 0; c < p.d_v; ++c) oi[c] = 0.0f;
    for (int j = 0; j < p.m; ++j) {  // pass 3: Σ_j w_ij v_j
      const float w = weights[static_cast<std::size_t>(j)];
      if (w == 0.0f) continue;  // (a NaN weight is not skipped: an undefined row stays NaN)
      const float* vj = p.v + static_cast<std::size_t>(j) * p.v_stride;
      for (int c = 0; c < p.d_v; ++c) oi[c] += w * vj[c];
    }
    if (p.scores) std::copy(scores.begin(), scores.end(), p.scores + static_cast<std::size_t>(i) * p.m);
    if (p.weights) std::copy(weights.begin(), weights.end(), p.weights + static_cast<std::size_t>(i) * p.m);
  }
}

}  // namespace ap::kernels

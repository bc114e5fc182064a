// The reference backward of one head: the forward's steps 4–6 (core/reference_kernel.hpp) undone in reverse
// order, one function per step, plain loops in double. The weights are recomputed from q, k by the forward's
// own functions. Everything faster is tested against this, and this against torch.autograd.
#pragma once

#include "core/grad_kernel.hpp"
#include "core/reference_kernel.hpp"

namespace ap::core {

// step 6, out = weights · v: d_weights (n × m) = d_out (n × d_v) · vᵀ; d_v (m × d_v) += weightsᵀ · d_out
void weighted_sum_backward(const HeadGradProblem<double>& p, const double* weights, double* d_weights);
// step 5, weights = softmax(a) by rows: d_a_ij = w_ij · (d_w_ij − Σ_k w_ik·d_w_ik). An empty row's weights
// are all zero, so its d_a is too.
void softmax_backward(const HeadGradProblem<double>& p, const double* weights, const double* d_weights, double* d_a);
// step 4's mask: a masked cell fed a constant (−∞) to the softmax, so it passes nothing back (d_a = 0 there).
void mask_backward(const HeadGradProblem<double>& p, double* d_a);
// step 4's score transformation, a = scale · scores: d_scores (n × m) = scale · d_a. The one place where the
// transformation's derivative lives (an additive bias such as ALiBi would change nothing here; a soft cap
// c·tanh(x/c) would multiply by 1 − tanh²(x/c)).
void score_transform_backward(const HeadGradProblem<double>& p, const double* d_a, double* d_scores);
// step 4, scores = q · kᵀ: d_q (n × d_k) += d_scores · k; d_k (m × d_k) += d_scoresᵀ · q
void scores_backward(const HeadGradProblem<double>& p, const double* d_scores);

class ReferenceGradKernel final : public GradKernel<double> {
 public:
  std::string name() const override { return "reference"; }
  Kernel<double>& forward() override { return forward_; }
  void gemm(bool a_transposed, bool b_transposed, int rows, int inner, int cols, const double* a, int lda,
            const double* b, int ldb, double* c, int ldc, bool accumulate) override;
  void attend_backward(const HeadGradProblem<double>& p) override;

 private:
  ReferenceKernel forward_;
};

}  // namespace ap::core

// The reference backend: the textbook formula in plain loops, double accumulation, every step its
// own function. Everything else is tested against it.
#pragma once

#include "core/kernel.hpp"

namespace ap::core {

// One query row i at a time, so a head whose scores and weights are not recorded needs O(m) memory, not O(n·m):
// scores_row (m) = q_i (d_k) · kᵀ (d_k × m)
void reference_scores_row(const HeadProblem<double>& p, int i, double* scores_row);
// weights_row (m) = masked softmax of scale · scores_row; a row with no allowed key becomes zeros
void reference_softmax_row(const HeadProblem<double>& p, int i, const double* scores_row, double* scaled_scratch,
                           double* weights_row);
// out_i (d_v) = weights_row (m) · v (m × d_v)
void reference_weighted_sum_row(const HeadProblem<double>& p, int i, const double* weights_row);

class ReferenceKernel final : public Kernel<double> {
 public:
  std::string name() const override { return "reference"; }
  void matmul(const double* a, const double* b, double* c, int rows, int inner, int cols) override;
  void attend(const HeadProblem<double>& p) override;
};

}  // namespace ap::core

// The reference backend: the textbook formula in plain loops, double accumulation, every step its
// own function. Everything else is tested against it.
#pragma once

#include "core/kernel.hpp"

namespace ap::core {

// One query row i at a time, so a head whose scores and weights are not recorded needs O(m) memory, not O(n·m):
// scores_row (m) = q_i (d_k) · kᵀ (d_k × m), rounded to the precision
void reference_scores_row(const HeadProblem<double>& p, int i, double* scores_row);
// weights_row (m) = masked softmax of score_mod(scores_row) (core/softmax.hpp: fill, sink, empty and undefined
// rows); scaled_scratch (m) receives the scaled scores
void reference_softmax_row(const HeadProblem<double>& p, int i, const double* scores_row, double* scaled_scratch,
                           double* weights_row);
// out_i (d_v) = weights_row (m) · v (m × d_v)
void reference_weighted_sum_row(const HeadProblem<double>& p, int i, const double* weights_row);

// The same on every row of the head (what the backward pass and KV-cache decoding recompute):
// scores (n × m) = q (n × d_k) · kᵀ (d_k × m), rounded to the precision
void reference_scores(const HeadProblem<double>& p, double* scores);
// weights (n × m) = masked row softmax of score_mod(scores)
void reference_softmax(const HeadProblem<double>& p, const double* scores, double* weights);
// out (n × d_v) = weights (n × m) · v (m × d_v)
void reference_weighted_sum(const HeadProblem<double>& p, const double* weights);

class ReferenceKernel final : public Kernel<double> {
 public:
  std::string name() const override { return "reference"; }
  void matmul(const double* a, const double* b, double* c, int rows, int inner, int cols) override;
  void attend(const HeadProblem<double>& p) override;
};

}  // namespace ap::core

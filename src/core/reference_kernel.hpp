// The reference backend: the textbook formula in plain loops, double accumulation, every step its
// own function. Everything else is tested against it.
#pragma once

#include "core/kernel.hpp"

namespace ap::core {

// scores (n × m) = q (n × d_k) · kᵀ (d_k × m), rounded to the precision
void reference_scores(const HeadProblem<double>& p, double* scores);
// weights (n × m) = masked row softmax of score_mod(scores) (core/softmax.hpp: fill, sink, empty and undefined rows)
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

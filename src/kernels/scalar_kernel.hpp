// `scalar`: the reference's loops in float with float accumulation, the portable baseline the fast
// kernels are measured against. The variants through core/score_mod.hpp and core/softmax.hpp, as the reference.
// Tested to 1e-5 relative (normwise) of the reference.
#pragma once

#include "core/kernel.hpp"

namespace ap::kernels {

class ScalarKernel final : public core::Kernel<float> {
 public:
  std::string name() const override { return "scalar"; }
  void matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) override;
  void attend(const core::HeadProblem<float>& p) override;
};

}  // namespace ap::kernels

// `eigen`: the same steps as whole-matrix Eigen expressions in float (row-major maps over the
// pipeline's buffers, see core/matrix.hpp). Readable, and vectorized natively (SSE/AVX); Eigen 3.4
// does not vectorize under Emscripten. The variants, and heads whose scores may overflow, take core's score_mod
// and softmax by rows (core/score_mod.hpp, core/softmax.hpp). Tested to 1e-5 relative (normwise) of the reference.
#pragma once

#include "core/kernel.hpp"

namespace ap::kernels {

class EigenKernel final : public core::Kernel<float> {
 public:
  std::string name() const override { return "eigen"; }
  void matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) override;
  void attend(const core::HeadProblem<float>& p) override;
};

}  // namespace ap::kernels

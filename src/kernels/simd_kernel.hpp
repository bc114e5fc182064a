// `simd`: the reference's three passes, vectorized (kernels/simd.hpp: AVX-512 or AVX2+FMA natively,
// SIMD128 in WebAssembly) and blocked by query rows: for a block of rows, scores against every key the mask leaves
// open (packed sgemm), an exact softmax per row (max, then e^(x − max) and its sum), then
// e · v (packed sgemm) divided by the row sums.
// Differs from the reference: float throughout, sums in SIMD-lane order, a polynomial exp within 2 ulp,
// the division by the sum after the product rather than before (one rounding per output, not per weight).
// Memory beyond the outputs: O(block · M) scores plus k and v packed once per head.
// Tested to 1e-5 relative (normwise) of the reference.
#pragma once

#include <vector>

#include "core/kernel.hpp"
#include "kernels/attention_blocks.hpp"
#include "kernels/sgemm.hpp"

namespace ap::kernels {

class SimdKernel final : public core::Kernel<float> {
 public:
  std::string name() const override { return "simd"; }
  void matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) override;
  void attend(const core::HeadProblem<float>& p) override;

 private:
  gemm::Sgemm sgemm_;
  attention::PackedHead head_;
  std::vector<float> q_pack_, scores_, weights_, row_sum_;  // reused across heads and calls
};

}  // namespace ap::kernels

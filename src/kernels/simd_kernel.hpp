// `simd`: the reference's three passes, vectorized (kernels/simd.hpp: AVX-512 or AVX2+FMA natively,
// SIMD128 in WebAssembly) and blocked by query rows: for a block of rows, scores against every key the mask leaves
// open (packed sgemm), an exact softmax per row (scale, mask and max in one pass, then e^(x − max) and its sum),
// then e · v (packed sgemm) divided by the row sums. The blocks of a head are spread over the kernel's threads.
// Differs from the reference: float throughout, sums in SIMD-lane order, a polynomial exp within 2 ulp,
// the division by the sum after the product rather than before (one rounding per output, not per weight).
// The same result bit for bit for any thread count and any row blocks (each row is computed the same way).
// Memory beyond the outputs: O(block · M) scores per thread plus k and v packed once per head.
// Tested to 1e-5 relative (normwise) of the reference.
#pragma once

#include <vector>

#include "core/kernel.hpp"
#include "kernels/attention_blocks.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/thread_pool.hpp"

namespace ap::kernels {

class SimdKernel final : public core::Kernel<float> {
 public:
  explicit SimdKernel(int threads = 1);
  std::string name() const override { return "simd"; }
  void matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) override;
  void attend(const core::HeadProblem<float>& p) override;

 private:
  struct Scratch {  // one thread's, reused across blocks, heads and calls
    std::vector<float> scores, weights, row_sum;
  };
  void attend_block(const core::HeadProblem<float>& p, bool fast, int i0, int rows, Scratch& scratch) const;

  ThreadPool pool_;
  gemm::Sgemm sgemm_;
  attention::PackedHead head_;
  std::vector<Scratch> scratch_;  // one per thread
};

}  // namespace ap::kernels

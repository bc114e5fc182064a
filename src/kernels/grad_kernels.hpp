// The float backward backends: `simd` and `tiled`, each its own forward kernel plus a backward over
// kernels/backward_tile.hpp. Both keep nothing N × M from the forward: each row's log-sum-exp (filled by the
// forward's attend) and δ = rowsum(dO ∘ O) are all they store, and they recompute the weights.
//   simd:  per block of query rows, one tile over every key the mask leaves open (O(block · M) scratch).
//   tiled: FlashAttention-2's loop order, key blocks outside and query blocks inside, so a key block's
//          ∂L/∂k and ∂L/∂v are finished before the next; tiles the mask closes are skipped (O(block²) scratch).
// Differ from the reference backward: float, sums in sgemm order, the polynomial exp, weights rebuilt from
// the row log-sum-exp. Tested to 1e-4 (normwise, each gradient) of torch.autograd's float64 gradients.
#pragma once

#include <vector>

#include "core/grad_kernel.hpp"
#include "kernels/backward_tile.hpp"
#include "kernels/simd_kernel.hpp"
#include "kernels/thread_pool.hpp"
#include "kernels/tiled_kernel.hpp"

namespace ap::kernels {

// The products with a transposed operand, through the packed sgemm (a transposed operand A is copied first).
class FloatGradKernel : public core::GradKernel<float> {
 public:
  void gemm(bool a_transposed, bool b_transposed, int rows, int inner, int cols, const float* a, int lda,
            const float* b, int ldb, float* c, int ldc, bool accumulate) override;

 protected:
  gemm::Sgemm sgemm_;
  ThreadPool serial_{1};  // the products run on the caller's thread (a pool of one starts none)
  attention::BackwardTile tile_;
  std::vector<float> a_copy_, delta_;  // reused
};

class SimdGradKernel final : public FloatGradKernel {
 public:
  std::string name() const override { return "simd"; }
  core::Kernel<float>& forward() override { return forward_; }
  void attend_backward(const core::HeadGradProblem<float>& p) override;

  static constexpr int query_block = 96;

 private:
  SimdKernel forward_;
};

class TiledGradKernel final : public FloatGradKernel {
 public:
  std::string name() const override { return "tiled"; }
  core::Kernel<float>& forward() override { return forward_; }
  void attend_backward(const core::HeadGradProblem<float>& p) override;

  static constexpr int query_block = TiledKernel::query_block;
  static constexpr int key_block = TiledKernel::key_block;

 private:
  TiledKernel forward_;
  std::vector<core::KeyRange> open_;  // per query block: the keys its causal/window range opens
};

}  // namespace ap::kernels

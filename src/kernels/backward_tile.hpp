// One tile of the fast attention backward, FlashAttention-2's inner step on the CPU: for a block of query rows
// and a block of keys, recompute the weights from q, k and each row's log-sum-exp (nothing N × M is kept from
// the forward), then add the tile's share of ∂L/∂v, ∂L/∂q and ∂L/∂k. The `simd` backward runs one tile per
// query block over every open key; the `tiled` backward walks key blocks × query blocks (kernels/grad_kernels.hpp).
// Depends on core's HeadGradProblem and MaskRule, kernels/sgemm.hpp, kernels/thread_pool.hpp and
// kernels/attention_blocks.hpp.
#pragma once

#include <vector>

#include "core/grad_kernel.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/thread_pool.hpp"

namespace ap::kernels::attention {

// δ (n) = Σ_c dO_ic · O_ic, which equals Σ_j P_ij · dP_ij: what the softmax backward subtracts in each row.
void row_deltas(const core::HeadGradProblem<float>& p, float* delta);

class BackwardTile {
 public:
  // Query rows [i0, i0 + rows) × keys [j0, j0 + keys):
  //   pass 1: P  = e^(scale·q_i·k_jᵀ − lse_i), 0 where masked          (rows × keys, recomputed)
  //   pass 2: dV_j += Pᵀ · dO_i                                         (keys × d_v)
  //   pass 3: dP = dO_i · v_jᵀ; dS = scale · P ∘ (dP − δ_i)             (rows × keys: score_grad_row)
  //   pass 4: dQ_i += dS · k_j; dK_j += dSᵀ · q_i                       (rows × d_k, keys × d_k)
  void run(const core::HeadGradProblem<float>& p, const float* delta, int i0, int rows, int j0, int keys);

 private:
  gemm::Sgemm sgemm_;
  ThreadPool serial_{1};  // the backward runs on the caller's thread (a pool of one starts none)
  std::vector<float> p_, ds_, transposed_;  // rows × keys, rows × keys, keys × rows; reused
};

}  // namespace ap::kernels::attention

// The building blocks the `simd` and `tiled` kernels share: one head's k and v packed once for the
// micro-kernel, a block of scores, masking a row segment, vectorized row max / exp / sum, and a block of
// weights · v. Each kernel file composes them into its own algorithm.
// Depends on core's HeadProblem and MaskRule and on kernels/sgemm.hpp and kernels/thread_pool.hpp.
#pragma once

#include <cstddef>
#include <vector>

#include "core/kernel.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/thread_pool.hpp"

namespace ap::kernels::attention {

// One head's k and v in micro-kernel panels, packed once per head (memory O(M · (d_k + d_v))).
struct PackedHead {
  int m = 0, d_k = 0, d_v = 0;
  std::vector<float> k;  // kᵀ (d_k × m) as pack_b panels: keys [j, j + nr) at k + j·d_k, each d_k × nr
  std::vector<float> v;  // v (m × d_v) as pack_b panels: columns [c, c + nr) at v + c·m, each m × nr
  double k_norm = 0;     // the largest row norm of k (core::largest_row_norm), for the overflow bound

  // Packs p's k and v, the panels spread over the pool's threads; or keeps the panels of the previous call when
  // p.kv_unchanged and p's k and v are the ones packed (same pointers, strides and shape).
  void prepare(const core::HeadProblem<float>& p, ThreadPool& pool);

 private:
  const float* k_source_ = nullptr;
  const float* v_source_ = nullptr;
  int k_stride_ = 0, v_stride_ = 0;
};

// core::largest_row_norm of float rows, in float SIMD: a row's squares summed in float (relative error about
// width · 2^-24, inside the bound's factor of 4); a row whose sum is not finite (an entry beyond about 1.8e19, ∞ or
// NaN) is measured again in double. Tiny entries that underflow only lower what they could not raise to overflow.
double largest_row_norm(const float* rows, int count, int stride, int width);

// Whether p's scores may leave float's range (core::scores_may_be_nonfinite, with k's norm from the packing).
bool scores_may_be_nonfinite(const core::HeadProblem<float>& p, const PackedHead& head);

// Query rows per block: `most` on one thread; with several, small enough for about ten blocks a thread (the
// threads claim blocks as they finish), a multiple of the register tile's height. What a row computes does not
// depend on the block it falls in, so neither does the result.
int query_rows(int n, int threads, int most);

// The keys any row of the query block [i0, i1) may see through causal/window: the smallest interval holding
// every row's key_range(i) (their union, as both ends grow with i). {0, 0} when no row sees any key.
core::KeyRange block_key_range(const core::MaskRule& mask, int i0, int i1);

// s (rows × cols, row stride lds) = q block (rows × d_k, row stride q_stride) · kᵀ[:, j0 : j0 + cols).
// j0 must be a multiple of gemm::nr (a panel boundary).
void scores_block(const float* q, int q_stride, int rows, const PackedHead& head, int j0, int cols, float* s, int lds);

// out (rows × d_v, row stride ldo) (+)= p (rows × keys, row-major, row stride ldp) · v[j0 : j0 + keys, :].
void weighted_sum_block(const float* p, int ldp, int rows, const PackedHead& head, int j0, int keys, float* out,
                        int ldo, bool accumulate);

// x[j] = scale · s[j] where query i may attend key j0 + j, else −∞ (the causal/window range, then allow/key_valid);
// returns max_j x[j], −∞ when none is allowed. One pass over the row (two with allow/key_valid); x may be s.
float scale_mask_max(const float* s, float scale, const core::MaskRule& mask, int i, int j0, int len, float* x);

// The variants' path for keys [j0, j0 + len) of query row i (core/score_mod.hpp): x[j] = scaled_score of
// scores[j], or the fill where masked. Returns true when it met +∞ or NaN (the row has no defined softmax).
bool variant_row(const core::HeadProblem<float>& p, int i, int j0, int len, const float* scores, float* x);

// What a row of the variants' path gives, decided as core/softmax.hpp decides it from the row's max (with the
// sink) and whether it met +∞ or NaN.
enum class RowCase { softmax, empty, undefined };
RowCase row_case(const core::HeadProblem<float>& p, int i, float row_max, bool met_nonfinite);
// max of x[0 : len), −∞ for an empty or fully masked row.
float row_max(const float* x, int len);
// x[j] = e^(x[j] − max) (exactly 0 where x[j] = −∞); returns Σ x[j].
float exp_row(float* x, int len, float max);
// x[j] *= factor
void scale_in_place(float* x, int len, float factor);
// x[j] /= divisor (a division, as the reference normalizes: one rounding, not two)
void divide_in_place(float* x, int len, float divisor);

}  // namespace ap::kernels::attention

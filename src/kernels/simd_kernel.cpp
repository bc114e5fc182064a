// SIMD float kernel, query block by query block (see simd_kernel.hpp).
#include "kernels/simd_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ap::kernels {

namespace {
constexpr int query_block = 96;  // rows per block: a multiple of every ISA's register tile height
constexpr int key_chunk = gemm::kc_block;  // keys per weights · v product (the A block's depth)

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}
}  // namespace

void SimdKernel::matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) {
  sgemm_.run(rows, inner, cols, a, inner, b, cols, false, c, cols);
}

void SimdKernel::attend(const core::HeadProblem<float>& p) {
  const core::MaskRule& mask = *p.mask;
  const int n = p.n, m = p.m, dk = p.d_k, dv = p.d_v;
  head_.pack(p);
  grow(q_pack_, static_cast<std::size_t>(gemm::round_up(query_block, gemm::mr)) * dk);
  if (!p.scores) grow(scores_, static_cast<std::size_t>(query_block) * m);
  if (!p.weights) grow(weights_, static_cast<std::size_t>(query_block) * m);
  grow(row_sum_, query_block);

  for (int i0 = 0; i0 < n; i0 += query_block) {
    const int rows = std::min(query_block, n - i0);
    // s, w: rows × m, row stride m: the caller's matrices when it records them, else ours
    float* s = p.scores ? p.scores + static_cast<std::size_t>(i0) * m : scores_.data();
    float* w = p.weights ? p.weights + static_cast<std::size_t>(i0) * m : weights_.data();
    float* out = p.out + static_cast<std::size_t>(i0) * p.out_stride;

    // keys [c0, c1): what the block's causal/window range leaves open, from a panel boundary. The same
    // whether or not the caller records, so the output is too; recording adds the other keys' raw scores.
    const core::KeyRange open = attention::block_key_range(mask, i0, i0 + rows);
    const int c0 = open.begin / gemm::nr * gemm::nr, c1 = std::max(open.end, c0);

    // pass 1: s = q_block · kᵀ over keys [c0, c1), or over every key when recorded
    gemm::pack_a(p.q + static_cast<std::size_t>(i0) * p.q_stride, p.q_stride, rows, dk, q_pack_.data());
    if (p.scores)
      attention::scores_block(q_pack_.data(), rows, head_, 0, m, s, m);
    else if (c1 > c0)
      attention::scores_block(q_pack_.data(), rows, head_, c0, c1 - c0, s + c0, m);

    // pass 2: scale, mask, e^(x − row max) by rows and their sums (a row with no allowed key: all zeros)
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      float* wr = w + static_cast<std::size_t>(r) * m;
      attention::scale_row(s + static_cast<std::size_t>(r) * m + c0, p.scale, c1 - c0, wr + c0);
      attention::mask_row(mask, i, c0, c1 - c0, wr + c0);
      const float row_max = attention::row_max(wr + c0, c1 - c0);
      if (row_max == -std::numeric_limits<float>::infinity()) {
        std::fill_n(wr + c0, c1 - c0, 0.0f);
        row_sum_[r] = 0.0f;
      } else {
        row_sum_[r] = attention::exp_row(wr + c0, c1 - c0, row_max);
      }
      if (p.row_lse) p.row_lse[i] = row_sum_[r] > 0.0f ? row_max + std::log(row_sum_[r]) : row_max;  // −∞ if empty
      if (p.weights) {  // keys outside [c0, c1) are masked: weight 0
        std::fill_n(wr, c0, 0.0f);
        std::fill_n(wr + c1, m - c1, 0.0f);
      }
    }

    // pass 3: out_block = e[:, c0:c1) · v[c0:c1), a chunk of keys at a time, then divided by the row sums
    // (one rounding per output instead of one per weight); no key at all: zeros
    for (int k0 = c0; k0 < c1; k0 += key_chunk) {
      const int keys = std::min(key_chunk, c1 - k0);
      attention::weighted_sum_block(w + k0, m, rows, head_, k0, keys, out, p.out_stride, k0 > c0);
    }
    for (int r = 0; r < rows; ++r) {
      float* out_r = out + static_cast<std::size_t>(r) * p.out_stride;
      if (row_sum_[r] == 0.0f) {
        std::fill_n(out_r, dv, 0.0f);
        continue;
      }
      attention::divide_in_place(out_r, dv, row_sum_[r]);
      if (p.weights) attention::divide_in_place(w + static_cast<std::size_t>(r) * m + c0, c1 - c0, row_sum_[r]);
    }
  }
}

}  // namespace ap::kernels

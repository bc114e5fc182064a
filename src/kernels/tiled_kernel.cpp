// Online-softmax tiled kernel (see tiled_kernel.hpp).
#include "kernels/tiled_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ap::kernels {

namespace {
constexpr float minus_infinity = -std::numeric_limits<float>::infinity();
static_assert(TiledKernel::key_block % gemm::nr == 0, "key blocks start on packed-panel boundaries");

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}
}  // namespace

void TiledKernel::matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) {
  sgemm_.run(rows, inner, cols, a, inner, b, cols, false, c, cols);
}

void TiledKernel::attend(const core::HeadProblem<float>& p) {
  const core::MaskRule& mask = *p.mask;
  const int n = p.n, m = p.m, dk = p.d_k, dv = p.d_v;
  head_.pack(p);
  grow(q_pack_, static_cast<std::size_t>(gemm::round_up(query_block, gemm::mr)) * dk);
  grow(block_, static_cast<std::size_t>(query_block) * key_block);
  grow(row_max_, query_block);
  grow(row_sum_, query_block);
  float* s = block_.data();  // rows × key_block: one block of scores, then of exponentials, in place
  // raw scores of every key, when the caller records scores or weights (the weights pass starts from them)
  float* recorded = p.scores ? p.scores : p.weights;

  for (int i0 = 0; i0 < n; i0 += query_block) {
    const int rows = std::min(query_block, n - i0);
    float* out = p.out + static_cast<std::size_t>(i0) * p.out_stride;  // rows × d_v: the accumulator
    for (int r = 0; r < rows; ++r) {
      row_max_[r] = minus_infinity;
      row_sum_[r] = 0.0f;
      std::fill_n(out + static_cast<std::size_t>(r) * p.out_stride, dv, 0.0f);
    }
    gemm::pack_a(p.q + static_cast<std::size_t>(i0) * p.q_stride, p.q_stride, rows, dk, q_pack_.data());

    // key blocks [b0, b1): those the block's causal/window range opens; every block when recording scores
    const core::KeyRange open = attention::block_key_range(mask, i0, i0 + rows);
    const int b0 = open.begin / key_block * key_block, b1 = std::max(open.end, b0);
    const int first = recorded ? 0 : b0, last = recorded ? m : b1;
    for (int j0 = first; j0 < last; j0 += key_block) {
      const int keys = std::min(key_block, m - j0);
      // pass 1 over the block: s = q_block · kᵀ[:, j0 : j0 + keys)
      attention::scores_block(q_pack_.data(), rows, head_, j0, keys, s, key_block);
      if (recorded)
        for (int r = 0; r < rows; ++r)
          std::copy_n(s + static_cast<std::size_t>(r) * key_block, keys,
                      recorded + static_cast<std::size_t>(i0 + r) * m + j0);
      if (j0 + keys <= b0 || j0 >= b1) continue;  // recorded only: the mask closes it for every row

      // pass 2: online softmax. New running max; e^(s − max) in place; rescale the row's sum and output.
      for (int r = 0; r < rows; ++r) {
        float* x = s + static_cast<std::size_t>(r) * key_block;
        attention::scale_row(x, p.scale, keys, x);
        attention::mask_row(mask, i0 + r, j0, keys, x);
        const float block_max = attention::row_max(x, keys);
        if (block_max == minus_infinity) {  // nothing allowed here: contributes nothing
          std::fill_n(x, keys, 0.0f);
          continue;
        }
        const float new_max = std::max(row_max_[r], block_max);
        const float sum = attention::exp_row(x, keys, new_max);
        if (new_max != row_max_[r]) {
          const float correction = std::exp(row_max_[r] - new_max);  // 0 on the row's first allowed block
          row_sum_[r] *= correction;
          attention::scale_in_place(out + static_cast<std::size_t>(r) * p.out_stride, dv, correction);
          row_max_[r] = new_max;
        }
        row_sum_[r] += sum;
      }
      // pass 3: out_block += e-block · v[j0 : j0 + keys)
      attention::weighted_sum_block(s, key_block, rows, head_, j0, keys, out, p.out_stride, true);
    }

    // divide by the row sums; a row with no allowed key keeps its zeros
    for (int r = 0; r < rows; ++r)
      if (row_sum_[r] > 0.0f)
        attention::divide_in_place(out + static_cast<std::size_t>(r) * p.out_stride, dv, row_sum_[r]);
    if (p.row_lse)  // all a backward pass keeps of the softmax (FlashAttention-2): O(N), not N × M
      for (int r = 0; r < rows; ++r)
        p.row_lse[i0 + r] = row_sum_[r] > 0.0f ? row_max_[r] + std::log(row_sum_[r]) : minus_infinity;

    // recorded weights, a second pass from the final max and sum: e^(scale·s − max) / sum, 0 where masked
    if (p.weights)
      for (int r = 0; r < rows; ++r) {
        const int i = i0 + r;
        float* w = p.weights + static_cast<std::size_t>(i) * m;
        if (row_sum_[r] == 0.0f) {
          std::fill_n(w, m, 0.0f);
          continue;
        }
        attention::scale_row(recorded + static_cast<std::size_t>(i) * m, p.scale, m, w);  // may be w itself
        attention::mask_row(mask, i, 0, m, w);
        attention::exp_row(w, m, row_max_[r]);
        attention::divide_in_place(w, m, row_sum_[r]);
      }
  }
}

}  // namespace ap::kernels

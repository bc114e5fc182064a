// SIMD float kernel, query block by query block (see simd_kernel.hpp).
#include "kernels/simd_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/score_mod.hpp"

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
  const core::HeadVariants<float>& var = p.variants;
  const int n = p.n, m = p.m, dk = p.d_k, dv = p.d_v;
  // the textbook path vectorizes scale and mask and looks for no ∞ or NaN; anything else goes by core's score_mod
  const bool fast = var.textbook() && !core::scores_may_be_nonfinite(p);
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

    // keys [c0, c1): what the block's causal/window range leaves open, from a panel boundary (every key when a
    // finite fill gives masked keys weight). The same whether or not the caller records, so the output is too;
    // recording adds the other keys' raw scores.
    const core::KeyRange open = var.finite_fill() ? core::KeyRange{0, m} : attention::block_key_range(mask, i0, i0 + rows);
    const int c0 = open.begin / gemm::nr * gemm::nr, c1 = std::max(open.end, c0);

    // pass 1: s = q_block · kᵀ over keys [c0, c1), or over every key when recorded (rounded to the precision)
    gemm::pack_a(p.q + static_cast<std::size_t>(i0) * p.q_stride, p.q_stride, rows, dk, q_pack_.data());
    const int s0 = p.scores ? 0 : c0, s1 = p.scores ? m : c1;
    if (s1 > s0) attention::scores_block(q_pack_.data(), rows, head_, s0, s1 - s0, s + s0, m);
    if (var.precision)
      for (int r = 0; r < rows; ++r) core::round_all(*var.precision, s + static_cast<std::size_t>(r) * m + s0, s1 - s0);

    // pass 2: score_mod, mask, e^(x − row max) by rows and their sums (a row with no allowed key: all zeros; one
    // that met ∞ or NaN: all NaN). With a precision the weights are normalized and rounded here, as the model does.
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r, len = c1 - c0;
      float lse = -std::numeric_limits<float>::infinity();  // the row's log-sum-exp, for the backward pass
      float* wr = w + static_cast<std::size_t>(r) * m;
      const float* sr = s + static_cast<std::size_t>(r) * m;
      if (fast) {
        attention::scale_row(sr + c0, p.scale, len, wr + c0);
        attention::mask_row(mask, i, c0, len, wr + c0);
        const float row_max = attention::row_max(wr + c0, len);
        if (row_max == -std::numeric_limits<float>::infinity()) {
          std::fill_n(wr + c0, len, 0.0f);
          row_sum_[r] = 0.0f;
          lse = row_max;
        } else {
          row_sum_[r] = attention::exp_row(wr + c0, len, row_max);
          lse = row_max + std::log(row_sum_[r]);
        }
      } else {
        const bool met = attention::variant_row(p, i, c0, len, sr + c0, wr + c0);
        float row_max = attention::row_max(wr + c0, len);
        if (var.has_sink) row_max = std::max(row_max, var.sink);
        switch (attention::row_case(p, i, row_max, met)) {
          case attention::RowCase::empty:
            std::fill_n(wr + c0, len, 0.0f);
            row_sum_[r] = 0.0f;
            break;
          case attention::RowCase::undefined:
            std::fill_n(wr + c0, len, std::numeric_limits<float>::quiet_NaN());
            row_sum_[r] = 1.0f;  // NaN through the product
            lse = std::numeric_limits<float>::quiet_NaN();
            break;
          case attention::RowCase::softmax:
            row_sum_[r] = attention::exp_row(wr + c0, len, row_max) + (var.has_sink ? std::exp(var.sink - row_max) : 0.0f);
            lse = row_max + std::log(row_sum_[r]);  // before a precision normalizes the weights here
            if (var.precision) {  // out_h = rounded weights · v: normalize first, nothing to divide later
              for (int t = c0; t < c1; ++t) wr[t] = core::round_weight(var, wr[t] / row_sum_[r]);
              row_sum_[r] = 1.0f;
            }
            break;
        }
      }
      if (p.row_lse) p.row_lse[i] = lse;  // −∞ for a row with no key
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
      if (row_sum_[r] == 0.0f || c1 == c0) {
        std::fill_n(out_r, dv, 0.0f);
        continue;
      }
      if (row_sum_[r] == 1.0f) continue;  // normalized already (precision), or undefined (NaN)
      attention::divide_in_place(out_r, dv, row_sum_[r]);
      if (p.weights) attention::divide_in_place(w + static_cast<std::size_t>(r) * m + c0, c1 - c0, row_sum_[r]);
    }
  }
}

}  // namespace ap::kernels

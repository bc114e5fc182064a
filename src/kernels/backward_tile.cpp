// One tile of the attention backward (see backward_tile.hpp).
#include "kernels/backward_tile.hpp"

#include <algorithm>
#include <limits>

#include "kernels/attention_blocks.hpp"
#include "kernels/simd.hpp"

namespace ap::kernels::attention {

namespace {

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

// dst (cols × rows) = srcᵀ, src rows × cols contiguous
void transpose(const float* src, int rows, int cols, float* dst) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) dst[static_cast<std::size_t>(c) * rows + r] = src[static_cast<std::size_t>(r) * cols + c];
}

// ∂L/∂scores of one row from the softmax's and the score transformation's derivatives, in place over dp:
// dS_j = scale · P_j · (dP_j − δ). The one place the transformation's derivative lives in the fast backward;
// masked keys have P_j = 0, so they pass nothing.
void score_grad_row(const float* p, float delta, float scale, int len, float* dp) {
  const simd::vf d = simd::set1(delta), f = simd::set1(scale);
  int j = 0;
  for (; j + simd::lanes <= len; j += simd::lanes)
    simd::store(dp + j, simd::mul(f, simd::mul(simd::load(p + j), simd::sub(simd::load(dp + j), d))));
  for (; j < len; ++j) dp[j] = scale * p[j] * (dp[j] - delta);
}

}  // namespace

void row_deltas(const core::HeadGradProblem<float>& p, float* delta) {
  const auto& f = p.forward;
  for (int i = 0; i < f.n; ++i) {
    const float* o = f.out + static_cast<std::size_t>(i) * f.out_stride;
    const float* g = p.out_grad + static_cast<std::size_t>(i) * p.out_grad_stride;
    float acc = 0.0f;
    for (int c = 0; c < f.d_v; ++c) acc += o[c] * g[c];
    delta[i] = acc;
  }
}

void BackwardTile::run(const core::HeadGradProblem<float>& p, const float* delta, int i0, int rows, int j0, int keys) {
  const auto& f = p.forward;
  if (rows <= 0 || keys <= 0) return;
  const std::size_t tile = static_cast<std::size_t>(rows) * keys;
  grow(p_, tile);
  grow(ds_, tile);
  grow(transposed_, tile);
  const float* q = f.q + static_cast<std::size_t>(i0) * f.q_stride;
  const float* k = f.k + static_cast<std::size_t>(j0) * f.k_stride;
  const float* v = f.v + static_cast<std::size_t>(j0) * f.v_stride;
  const float* out_grad = p.out_grad + static_cast<std::size_t>(i0) * p.out_grad_stride;

  // pass 1: P = e^(scale·q·kᵀ − lse), masked cells −∞ → 0; a row with no allowed key (lse = −∞) stays 0
  sgemm_.run(rows, f.d_k, keys, q, f.q_stride, k, f.k_stride, true, p_.data(), keys, serial_);
  for (int r = 0; r < rows; ++r) {
    float* x = p_.data() + static_cast<std::size_t>(r) * keys;
    const float lse = f.row_lse[i0 + r];
    if (lse == -std::numeric_limits<float>::infinity()) {
      std::fill_n(x, keys, 0.0f);
      continue;
    }
    scale_mask_max(x, f.scale, *f.mask, i0 + r, j0, keys, x);  // in place; the max is not needed (lse is known)
    exp_row(x, keys, lse);
  }
  // pass 2: dV_j += Pᵀ · dO_i
  transpose(p_.data(), rows, keys, transposed_.data());
  sgemm_.run(keys, rows, f.d_v, transposed_.data(), rows, out_grad, p.out_grad_stride, false,
             p.v_grad + static_cast<std::size_t>(j0) * p.v_grad_stride, p.v_grad_stride, serial_, true);
  // pass 3: dP = dO_i · vᵀ, then dS = scale · P ∘ (dP − δ) in place
  sgemm_.run(rows, f.d_v, keys, out_grad, p.out_grad_stride, v, f.v_stride, true, ds_.data(), keys, serial_);
  for (int r = 0; r < rows; ++r)
    score_grad_row(p_.data() + static_cast<std::size_t>(r) * keys, delta[i0 + r], f.scale, keys,
                   ds_.data() + static_cast<std::size_t>(r) * keys);
  // pass 4: dQ_i += dS · k_j; dK_j += dSᵀ · q_i
  sgemm_.run(rows, keys, f.d_k, ds_.data(), keys, k, f.k_stride, false,
             p.q_grad + static_cast<std::size_t>(i0) * p.q_grad_stride, p.q_grad_stride, serial_, true);
  transpose(ds_.data(), rows, keys, transposed_.data());
  sgemm_.run(keys, rows, f.d_k, transposed_.data(), rows, q, f.q_stride, false,
             p.k_grad + static_cast<std::size_t>(j0) * p.k_grad_stride, p.k_grad_stride, serial_, true);
}

}  // namespace ap::kernels::attention

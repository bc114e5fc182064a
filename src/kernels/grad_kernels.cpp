// The float backward backends (see grad_kernels.hpp).
#include "kernels/grad_kernels.hpp"

#include <algorithm>

#include "kernels/attention_blocks.hpp"

namespace ap::kernels {

void FloatGradKernel::gemm(bool a_transposed, bool b_transposed, int rows, int inner, int cols, const float* a,
                           int lda, const float* b, int ldb, float* c, int ldc, bool accumulate) {
  if (a_transposed) {  // a is inner × rows: copy it as rows × inner
    const std::size_t size = static_cast<std::size_t>(rows) * inner;
    if (a_copy_.size() < size) a_copy_.resize(size);
    for (int t = 0; t < inner; ++t)
      for (int i = 0; i < rows; ++i) a_copy_[static_cast<std::size_t>(i) * inner + t] = a[static_cast<std::size_t>(t) * lda + i];
    a = a_copy_.data();
    lda = inner;
  }
  sgemm_.run(rows, inner, cols, a, lda, b, ldb, b_transposed, c, ldc, serial_, accumulate);
}

void SimdGradKernel::attend_backward(const core::HeadGradProblem<float>& p) {
  const auto& f = p.forward;
  if (delta_.size() < static_cast<std::size_t>(f.n)) delta_.resize(static_cast<std::size_t>(f.n));
  attention::row_deltas(p, delta_.data());
  for (int i0 = 0; i0 < f.n; i0 += query_block) {
    const int rows = std::min(query_block, f.n - i0);
    const core::KeyRange open = attention::block_key_range(*f.mask, i0, i0 + rows);
    tile_.run(p, delta_.data(), i0, rows, open.begin, open.end - open.begin);
  }
}

void TiledGradKernel::attend_backward(const core::HeadGradProblem<float>& p) {
  const auto& f = p.forward;
  if (delta_.size() < static_cast<std::size_t>(f.n)) delta_.resize(static_cast<std::size_t>(f.n));
  attention::row_deltas(p, delta_.data());
  const int blocks = (f.n + query_block - 1) / query_block;
  open_.resize(static_cast<std::size_t>(blocks));
  for (int b = 0; b < blocks; ++b)
    open_[static_cast<std::size_t>(b)] =
        attention::block_key_range(*f.mask, b * query_block, std::min(f.n, (b + 1) * query_block));
  for (int j0 = 0; j0 < f.m; j0 += key_block) {
    const int j1 = std::min(f.m, j0 + key_block);
    for (int b = 0; b < blocks; ++b) {
      const core::KeyRange open = open_[static_cast<std::size_t>(b)];
      const int k0 = std::max(j0, open.begin), k1 = std::min(j1, open.end);
      if (k0 >= k1) continue;  // the mask closes this tile for every row of the block
      const int i0 = b * query_block;
      tile_.run(p, delta_.data(), i0, std::min(query_block, f.n - i0), k0, k1 - k0);
    }
  }
}

}  // namespace ap::kernels

// The one signature every attention backend implements (CPU kernels in src/kernels, the double
// reference here). A backend supplies a matrix product and one head of attention; the pipeline
// (core/pipeline.hpp) does the rest the same way for all of them.
#pragma once

#include <string>

#include "core/mask.hpp"

namespace ap::core {

template <class T>
struct HeadProblem {
  int n = 0, m = 0, d_k = 0, d_v = 0;
  const T* q = nullptr;  // n × d_k, row i at q + i·q_stride
  int q_stride = 0;
  const T* k = nullptr;  // m × d_k
  int k_stride = 0;
  const T* v = nullptr;  // m × d_v
  int v_stride = 0;
  T scale = 1;
  const MaskRule* mask = nullptr;  // never null; MaskRule::is_none() when there is no mask
  T* scores = nullptr;             // n × m contiguous: raw q·kᵀ, or null when not recorded
  T* weights = nullptr;            // n × m contiguous: softmax weights, or null when not recorded
  // n, optional: log Σ_j e^(scaled_ij) over the allowed keys (−∞ for an empty row), what a backward pass
  // recomputes the weights from (FlashAttention-2). Filled by the simd and tiled kernels; others ignore it.
  T* row_lse = nullptr;
  T* out = nullptr;                // n × d_v, row i at out + i·out_stride
  int out_stride = 0;
};

template <class T>
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::string name() const = 0;
  // c (rows × cols) = a (rows × inner) · b (inner × cols); all row-major and contiguous.
  virtual void matmul(const T* a, const T* b, T* c, int rows, int inner, int cols) = 0;
  // out = softmax(mask(scale · q·kᵀ)) · v by rows; a row with no allowed key gives zero weights and zeros.
  virtual void attend(const HeadProblem<T>& p) = 0;
};

}  // namespace ap::core

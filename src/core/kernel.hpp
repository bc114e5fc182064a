// The one signature every attention backend implements (CPU kernels in src/kernels, the double
// reference here). A backend supplies a matrix product and one head of attention; the pipeline
// (core/pipeline.hpp) does the rest the same way for all of them.
#pragma once

#include <limits>
#include <optional>
#include <string>

#include "core/mask.hpp"
#include "core/precision.hpp"

namespace ap::core {

// One head's SPEC §1b variants as the kernels apply them (core/score_mod.hpp does the arithmetic, once for
// every backend). Default-constructed: the textbook softmax(mask(scale·q·kᵀ)).
template <class T>
struct HeadVariants {
  T alibi_slope = 0;      // m_h of ALiBi; 0: none
  int query_offset = 0;   // ALiBi's p_q = i + query_offset (M − N with bottom-right causal alignment); p_k = j
  T softcap = 0;          // c of c·tanh(x / c); 0: none
  T fill = -std::numeric_limits<T>::infinity();  // what a masked score becomes before the softmax
  bool has_sink = false;
  T sink = 0;             // the head's sink logit (rounded to the precision)
  std::optional<Precision> precision;  // scores, scaled scores and weights are rounded to it

  bool finite_fill() const { return fill != -std::numeric_limits<T>::infinity(); }
  // scaled = scale·score exactly: no ALiBi, softcap or rounding
  bool plain_scores() const { return alibi_slope == 0 && softcap == 0 && !precision; }
  // the textbook layer: plain scores, −∞ for masked scores, no sink
  bool textbook() const { return plain_scores() && !finite_fill() && !has_sink; }
};

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
  T* scores = nullptr;             // n × m contiguous: q·kᵀ (rounded to the precision), or null when not recorded
  T* weights = nullptr;            // n × m contiguous: softmax weights, or null when not recorded
  // n, optional: log Σ_j e^(scaled_ij) over the allowed keys (−∞ for an empty row), what a backward pass
  // recomputes the weights from (FlashAttention-2). Filled by the simd and tiled kernels; others ignore it.
  T* row_lse = nullptr;
  T* out = nullptr;                // n × d_v, row i at out + i·out_stride
  int out_stride = 0;
  HeadVariants<T> variants;  // ALiBi, softcap, fill, sink, precision (core/score_mod.hpp); last, so that positional
                             // initialization of the members above keeps working
  // The caller's promise that k and v (same pointers, strides, m, d_k, d_v and contents) are those of its previous
  // attend call on this kernel: the later row blocks of one head, or heads sharing a K/V head (TraceJob). A kernel
  // may then reuse what it derived from them (packed panels); it still checks the pointers and shapes.
  bool kv_unchanged = false;
};

template <class T>
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::string name() const = 0;
  // c (rows × cols) = a (rows × inner) · b (inner × cols); all row-major and contiguous.
  virtual void matmul(const T* a, const T* b, T* c, int rows, int inner, int cols) = 0;
  // out = softmax(mask(score_mod(q·kᵀ))) · v by rows (core/score_mod.hpp: the variants, the empty-row rule
  // and what a row with an infinite or NaN score gives).
  virtual void attend(const HeadProblem<T>& p) = 0;
};

}  // namespace ap::core

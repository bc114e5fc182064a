// The backward pass's counterpart of core/kernel.hpp: what a backend supplies so the layer's gradients
// (core/layer_grad.hpp) and the trainer run on it: its forward Kernel, a matrix product with either operand
// transposed, and one head's attention backward. The double reference is core/reference_grad.hpp; the
// float ones live in src/kernels. Pure interface; no I/O.
#pragma once

#include <string>

#include "core/kernel.hpp"

namespace ap::core {

// One head of the attention backward: given the forward's inputs and output and ∂L/∂out, ADD ∂L/∂q, ∂L/∂k
// and ∂L/∂v into the caller's (zeroed) matrices, so heads sharing keys and values (grouped-query attention)
// sum into one place. Masked cells pass nothing; a row with no allowed key passes nothing at all.
template <class T>
struct HeadGradProblem {
  int n = 0, m = 0, d_k = 0, d_v = 0;
  const T* q = nullptr;  // n × d_k (after RoPE), row i at q + i·q_stride
  int q_stride = 0;
  const T* k = nullptr;  // m × d_k
  int k_stride = 0;
  const T* v = nullptr;  // m × d_v
  int v_stride = 0;
  T scale = 1;
  const MaskRule* mask = nullptr;  // never null
  const T* out = nullptr;          // n × d_v: the forward's output of this head
  int out_stride = 0;
  const T* row_lse = nullptr;      // n: HeadProblem::row_lse of the same forward (the fast kernels need it)
  const T* out_grad = nullptr;     // n × d_v: ∂L/∂out
  int out_grad_stride = 0;
  T* q_grad = nullptr;             // n × d_k: ∂L/∂q, added to
  int q_grad_stride = 0;
  T* k_grad = nullptr;             // m × d_k: ∂L/∂k, added to
  int k_grad_stride = 0;
  T* v_grad = nullptr;             // m × d_v: ∂L/∂v, added to
  int v_grad_stride = 0;
};

template <class T>
class GradKernel {
 public:
  virtual ~GradKernel() = default;
  virtual std::string name() const = 0;
  // The same backend's forward; its attend() fills HeadProblem::row_lse when asked.
  virtual Kernel<T>& forward() = 0;
  // c (rows × cols, row stride ldc) = op(a) · op(b), or c += op(a) · op(b) when accumulate.
  // op(a) is rows × inner: a is stored row-major as rows × inner, or as inner × rows when a_transposed;
  // op(b) is inner × cols: b is stored as inner × cols, or as cols × inner when b_transposed.
  virtual void gemm(bool a_transposed, bool b_transposed, int rows, int inner, int cols, const T* a, int lda,
                    const T* b, int ldb, T* c, int ldc, bool accumulate) = 0;
  virtual void attend_backward(const HeadGradProblem<T>& p) = 0;
};

}  // namespace ap::core

// The backward pass's counterpart of core/kernel.hpp: what a backend supplies so the layer's gradients
// (core/layer_grad.hpp) and the trainer run on it: its forward Kernel, a matrix product with either operand
// transposed, and one head's attention backward. The double reference is core/reference_grad.hpp; the
// float ones live in src/kernels. Pure interface; no I/O.
#pragma once

#include <string>

#include "core/kernel.hpp"

namespace ap::core {

// One head of the attention backward: given the forward's problem (its inputs, its output and the row
// log-sum-exp it filled) and ∂L/∂out, ADD ∂L/∂q, ∂L/∂k and ∂L/∂v into the caller's (zeroed) matrices, so
// heads sharing keys and values (grouped-query attention) sum into one place. Masked cells pass nothing; a
// row with no allowed key passes nothing at all.
template <class T>
struct HeadGradProblem {
  HeadProblem<T> forward;       // q, k, v (after RoPE), scale, mask, out and row_lse as the forward had them
  const T* out_grad = nullptr;  // n × d_v: ∂L/∂out
  int out_grad_stride = 0;
  T* q_grad = nullptr;          // n × d_k: ∂L/∂q, added to
  int q_grad_stride = 0;
  T* k_grad = nullptr;          // m × d_k: ∂L/∂k, added to
  int k_grad_stride = 0;
  T* v_grad = nullptr;          // m × d_v: ∂L/∂v, added to
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

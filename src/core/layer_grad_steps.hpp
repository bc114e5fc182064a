// The layer's own steps run backward (projections and W_O, RoPE, additive positions), over any GradKernel<T>:
// the head's attention backward is the kernel's. Shared by the scenario gradients (core/layer_grad.hpp) and
// the trainer (src/train), which calls them on a whole batch of rows at once. No I/O.
#pragma once

#include "core/grad_kernel.hpp"
#include "core/scenario.hpp"

namespace ap::core {

// Steps 2 and 6, y (rows × out) = x (rows × in) · w (in × out) + b, all row-major and contiguous:
//   d_x (rows × in) += d_y · wᵀ            (skipped when d_x is null)
//   d_w (in × out)   = xᵀ · d_y            (+= when accumulate)
//   d_b (out)        = Σ over rows of d_y  (+= when accumulate; skipped when d_b is null)
template <class T>
void projection_backward(GradKernel<T>& kernel, int rows, int in, int out, const T* x, const T* w, const T* d_y,
                         T* d_x, T* d_w, T* d_b, bool accumulate);

// Step 3: RoPE turned pair (a, b) of each head's block (rows × heads·width, row stride `stride`, row r at
// position r) by θ. A rotation's transpose turns by −θ, so in place: d ← R(−θ)·d, i.e.
// (d_a, d_b) → (d_a·cosθ + d_b·sinθ, −d_a·sinθ + d_b·cosθ), the forward's rotation at position −r.
template <class T>
void rope_backward(T* d, int rows, int heads, int width, int stride, double base, RopePairing pairing);

// Step 1 with a learned table, x_in[p] = x[p] + table[p]: d_table[p] += d_x_in[p] for p < rows (d_x_in and
// d_table row-major with d_model columns). d_x = d_x_in, as it is for sinusoidal encodings (constants).
template <class T>
void learned_positions_backward(const T* d_x_in, int rows, int d_model, T* d_table);

}  // namespace ap::core

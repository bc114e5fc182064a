// The layer's steps backward (see layer_grad_steps.hpp).
#include "core/layer_grad_steps.hpp"

#include <algorithm>

#include "core/positional.hpp"

namespace ap::core {

template <class T>
void projection_backward(GradKernel<T>& kernel, int rows, int in, int out, const T* x, const T* w, const T* d_y,
                         T* d_x, T* d_w, T* d_b, bool accumulate) {
  // d_x (rows × in) += d_y (rows × out) · wᵀ (out × in)
  if (d_x) kernel.gemm(false, true, rows, out, in, d_y, out, w, out, d_x, in, true);
  // d_w (in × out) = xᵀ (in × rows) · d_y (rows × out)
  kernel.gemm(true, false, in, rows, out, x, in, d_y, out, d_w, out, accumulate);
  if (!d_b) return;
  if (!accumulate) std::fill_n(d_b, out, T(0));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < out; ++c) d_b[c] += d_y[static_cast<std::size_t>(r) * out + c];
}

template <class T>
void rope_backward(T* d, int rows, int heads, int width, int stride, double base, RopePairing pairing) {
  // R(θ)ᵀ = R(−θ), and θ is linear in the position: the forward's own rotation at position −r
  for (int r = 0; r < rows; ++r)
    for (int h = 0; h < heads; ++h)
      rope_rotate_row(d + static_cast<std::size_t>(r) * stride + static_cast<std::size_t>(h) * width, width, -r, base,
                      pairing);
}

template <class T>
void learned_positions_backward(const T* d_x_in, int rows, int d_model, T* d_table) {
  for (std::size_t c = 0; c < static_cast<std::size_t>(rows) * d_model; ++c) d_table[c] += d_x_in[c];
}

template void projection_backward<float>(GradKernel<float>&, int, int, int, const float*, const float*, const float*,
                                         float*, float*, float*, bool);
template void projection_backward<double>(GradKernel<double>&, int, int, int, const double*, const double*,
                                          const double*, double*, double*, double*, bool);
template void rope_backward<float>(float*, int, int, int, int, double, RopePairing);
template void rope_backward<double>(double*, int, int, int, int, double, RopePairing);
template void learned_positions_backward<float>(const float*, int, int, float*);
template void learned_positions_backward<double>(const double*, int, int, double*);

}  // namespace ap::core

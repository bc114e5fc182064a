// Positional encodings: sinusoidal (Vaswani et al.), learned (a table the user supplies) and RoPE
// (rotary: interleaved pairs (2t, 2t+1) or "half" pairs (t, t + d/2)). Templates so the double
// reference and the float kernels rotate with the same code.
#pragma once

#include <cmath>

#include "core/matrix.hpp"
#include "core/scenario.hpp"

namespace ap::core {

// PE: positions × d_model. PE[p, 2i] = sin(p / 10000^(2i/d_model)), PE[p, 2i+1] = cos(same angle).
Matrix sinusoidal_encoding(int positions, int d_model);

// The matrix added to a sequence of `rows` tokens (rows × d_model), or an empty matrix when nothing is added.
Matrix additive_encoding(const Positional& positional, int rows, int d_model);

// Angle of pair t at position p: θ = p · base^(−2t/d).
inline double rope_angle(int position, int pair, int width, double base) {
  return position * std::pow(base, -2.0 * pair / width);
}

// Rotates row `row` (width d, even) as the token at `position`: each pair (a, b) → (a cosθ − b sinθ, a sinθ + b cosθ).
template <class T>
void rope_rotate_row(T* row, int width, int position, double base, RopePairing pairing) {
  const int pairs = width / 2;
  for (int t = 0; t < pairs; ++t) {
    const double theta = rope_angle(position, t, width, base);
    const T c = static_cast<T>(std::cos(theta)), s = static_cast<T>(std::sin(theta));
    const int ia = pairing == RopePairing::interleaved ? 2 * t : t;
    const int ib = pairing == RopePairing::interleaved ? 2 * t + 1 : t + pairs;
    const T a = row[ia], b = row[ib];
    row[ia] = a * c - b * s;
    row[ib] = a * s + b * c;
  }
}

// Rotates every row of a head block: rows × width, row-major with `stride` between rows; row r is position r.
template <class T>
void rope_rotate(T* data, int rows, int width, int stride, double base, RopePairing pairing) {
  for (int r = 0; r < rows; ++r) rope_rotate_row(data + static_cast<std::size_t>(r) * stride, width, r, base, pairing);
}

}  // namespace ap::core

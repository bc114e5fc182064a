// Additive positional encodings.
#include "core/positional.hpp"

namespace ap::core {

Matrix sinusoidal_encoding(int positions, int d_model) {
  Matrix pe(positions, d_model);
  for (int p = 0; p < positions; ++p) {
    for (int c = 0; c < d_model; ++c) {
      const int i2 = c - c % 2;  // 2i for both members of the pair
      const double angle = p / std::pow(10000.0, static_cast<double>(i2) / d_model);
      pe(p, c) = c % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  }
  return pe;
}

Matrix additive_encoding(const Positional& positional, int rows, int d_model) {
  switch (positional.kind) {
    case PositionalKind::sinusoidal: return sinusoidal_encoding(rows, d_model);
    case PositionalKind::learned: return positional.learned.topRows(rows);
    case PositionalKind::none:
    case PositionalKind::rope: return Matrix();
  }
  return Matrix();
}

}  // namespace ap::core

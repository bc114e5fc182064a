// Masked, numerically stable softmax of one row, shared by the reference and the scalar kernels.
// Subtracting the row maximum keeps exp() ≤ 1, so scores of ±1e4 stay finite; a row with no
// allowed entry gets all-zero weights (never NaN).
#pragma once

#include <cmath>
#include <limits>

#include "core/mask.hpp"

namespace ap::core {

// scaled: m scaled scores of query row i; weights: m outputs (0 where masked). Returns false if the row is empty.
template <class T, class Acc = T>
bool masked_softmax_row(const T* scaled, const MaskRule& mask, int i, T* weights) {
  const int m = mask.keys();
  Acc row_max = -std::numeric_limits<Acc>::infinity();
  for (int j = 0; j < m; ++j)
    if (mask.allowed(i, j) && scaled[j] > row_max) row_max = scaled[j];
  if (row_max == -std::numeric_limits<Acc>::infinity()) {
    for (int j = 0; j < m; ++j) weights[j] = 0;
    return false;
  }
  Acc sum = 0;
  for (int j = 0; j < m; ++j) {
    const Acc e = mask.allowed(i, j) ? std::exp(static_cast<Acc>(scaled[j]) - row_max) : Acc(0);
    weights[j] = static_cast<T>(e);
    sum += e;
  }
  for (int j = 0; j < m; ++j) weights[j] = static_cast<T>(weights[j] / sum);
  return true;
}

}  // namespace ap::core

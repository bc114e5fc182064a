// The row softmax of SPEC §1 step 5 and §1b, the one definition every backend follows (the reference and
// the scalar and eigen kernels call it; simd, tiled and the WGSL shaders implement the same rules):
//   - a masked score becomes the fill (−∞ unless mask_fill is finite); a sink logit s joins the
//     denominator with no value behind it: w_j = e^(x_j − m) / (e^(s − m) + Σ_k e^(x_k − m)), m = max(s, max x);
//   - stable: the row max is subtracted, so scores of ±1e4 stay finite;
//   - a row with no allowed key and a −∞ fill gets all-zero weights (RowOutcome::empty), never NaN;
//   - a row that meets +∞ or NaN, or whose entries are all −∞ though it has allowed keys (an overflow
//     upstream), has no defined softmax: all-NaN weights (RowOutcome::undefined), as IEEE arithmetic gives,
//     so that an overflow is never shown as a finite wrong number.
#pragma once

#include <cmath>
#include <limits>

#include "core/kernel.hpp"
#include "core/mask.hpp"
#include "core/score_mod.hpp"

namespace ap::core {

enum class RowOutcome { softmax, empty, undefined };

// scaled: m scaled scores of query row i (masked ones are ignored: the fill takes their place);
// weights: m outputs, rounded to the precision when there is one.
template <class T>
RowOutcome softmax_row(const T* scaled, const MaskRule& mask, int i, const HeadVariants<T>& v, T* weights) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  const int m = mask.keys();
  bool any_allowed = false, undefined = false;
  T row_max = v.has_sink ? v.sink : -inf;
  for (int j = 0; j < m; ++j) {
    const bool ok = mask.allowed(i, j);
    any_allowed = any_allowed || ok;
    const T x = ok ? scaled[j] : v.fill;
    if (std::isnan(x) || x == inf) undefined = true;
    else if (x > row_max) row_max = x;
  }
  if (!any_allowed && !v.finite_fill()) {
    for (int j = 0; j < m; ++j) weights[j] = 0;
    return RowOutcome::empty;
  }
  if (undefined || row_max == -inf) {
    for (int j = 0; j < m; ++j) weights[j] = std::numeric_limits<T>::quiet_NaN();
    return RowOutcome::undefined;
  }
  T sum = v.has_sink ? std::exp(v.sink - row_max) : T(0);
  for (int j = 0; j < m; ++j) {
    const T e = std::exp((mask.allowed(i, j) ? scaled[j] : v.fill) - row_max);  // e^(−∞) = 0
    weights[j] = e;
    sum += e;
  }
  for (int j = 0; j < m; ++j) weights[j] = round_weight(v, static_cast<T>(weights[j] / sum));
  return RowOutcome::softmax;
}

// The textbook row (no variants): false for a row with no allowed key (its weights are all zero).
template <class T>
bool masked_softmax_row(const T* scaled, const MaskRule& mask, int i, T* weights) {
  return softmax_row(scaled, mask, i, HeadVariants<T>{}, weights) != RowOutcome::empty;
}

}  // namespace ap::core

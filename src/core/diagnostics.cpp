// Diagnostics are computed from the trace in double, the same for every backend.
#include "core/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ap::core {

double softmax_jacobian_norm(const double* p, int m) {
  // ‖J‖² = Σ_i p_i²(1 − p_i)² + Σ_i p_i² Σ_{j≠i} p_j². Both "1 − p_i" and "Σ_{j≠i} p_j²" cancel badly for
  // the dominant entry of a nearly one-hot row (exactly the saturated rows the scaling lab shows), so for
  // that entry they are summed from the other entries instead of subtracted.
  if (m <= 0) return 0.0;
  int top = 0;
  for (int j = 1; j < m; ++j)
    if (p[j] > p[top]) top = j;
  double rest1 = 0, rest2 = 0;  // Σ_{j≠top} p_j, Σ_{j≠top} p_j²
  for (int j = 0; j < m; ++j)
    if (j != top) {
      rest1 += p[j];
      rest2 += p[j] * p[j];
    }
  const double s2 = p[top] * p[top] + rest2;
  double sum = p[top] * p[top] * (rest1 * rest1 + rest2);
  for (int j = 0; j < m; ++j) {
    if (j == top) continue;
    const double pj2 = p[j] * p[j];
    sum += pj2 * ((1 - p[j]) * (1 - p[j]) + (s2 - pj2));
  }
  return std::sqrt(sum);
}

void resize_diagnostics(RowDiagnostics& d, int n) {
  for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                  &d.scaled_variance, &d.jacobian_norm})
    v->assign(static_cast<std::size_t>(n), 0.0);
}

template <class T>
void row_diagnostics_block(const T* scores, const T* weights, int rows, int m, int row0, const AllowMatrix& allowed,
                           double scale, RowDiagnostics& d) {
  for (int r = 0; r < rows; ++r) {
    const int i = row0 + r;
    const T* s = scores + static_cast<std::size_t>(r) * m;
    const T* w = weights + static_cast<std::size_t>(r) * m;
    const std::uint8_t* ok = allowed.data() + static_cast<std::size_t>(i) * allowed.cols();
    // pass 1: entropy, the largest weight (and where), the mean score
    double h = 0, sum = 0;
    int count = 0, top = -1;
    for (int j = 0; j < m; ++j) {
      if (!ok[j]) continue;
      const double p = static_cast<double>(w[j]);
      if (p > 0) h -= p * std::log(p);
      if (top < 0 || p > static_cast<double>(w[top])) top = j;
      sum += static_cast<double>(s[j]);
      ++count;
    }
    const auto row = static_cast<std::size_t>(i);
    if (count == 0) {
      for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                      &d.scaled_variance, &d.jacobian_norm})
        (*v)[row] = 0.0;
      continue;
    }
    const double mean = sum / count;
    // pass 2: the variance about the mean (exact for large means, unlike E[s²] − E[s]²) and the softmax Jacobian's
    // norm, with the sums over the other entries formed directly (see softmax_jacobian_norm)
    const double pt = static_cast<double>(w[top]);
    double squares = 0, rest1 = 0, rest2 = 0, rest4 = 0, own = 0;
    for (int j = 0; j < m; ++j) {
      if (!ok[j]) continue;
      squares += (static_cast<double>(s[j]) - mean) * (static_cast<double>(s[j]) - mean);
      if (j == top) continue;
      const double p = static_cast<double>(w[j]), p2 = p * p;
      rest1 += p;
      rest2 += p2;
      rest4 += p2 * p2;
      own += p2 * (1 - p) * (1 - p);
    }
    const double s2 = pt * pt + rest2;
    const double jacobian2 = pt * pt * (rest1 * rest1 + rest2) + own + s2 * rest2 - rest4;
    const double var = squares / count;  // population variance over the row's allowed keys
    d.entropy[row] = h;
    d.effective_keys[row] = std::exp(h);
    d.max_weight[row] = pt;
    d.raw_mean[row] = mean;
    d.raw_variance[row] = var;
    d.scaled_mean[row] = scale * mean;
    d.scaled_variance[row] = scale * scale * var;
    d.jacobian_norm[row] = std::sqrt(std::max(0.0, jacobian2));
  }
}

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale) {
  RowDiagnostics d;
  resize_diagnostics(d, static_cast<int>(scores.rows()));
  row_diagnostics_block(scores.data(), weights.data(), static_cast<int>(scores.rows()), static_cast<int>(scores.cols()), 0,
                        allowed, scale, d);
  return d;
}

template void row_diagnostics_block<float>(const float*, const float*, int, int, int, const AllowMatrix&, double,
                                           RowDiagnostics&);
template void row_diagnostics_block<double>(const double*, const double*, int, int, int, const AllowMatrix&, double,
                                            RowDiagnostics&);

}  // namespace ap::core

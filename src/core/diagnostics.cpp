// Diagnostics are computed from the trace in double, the same for every backend.
#include "core/diagnostics.hpp"

#include <cmath>
#include <limits>

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

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& scaled, const Matrix& weights, const AllowMatrix& allowed) {
  const int n = static_cast<int>(scores.rows()), m = static_cast<int>(scores.cols());
  RowDiagnostics d;
  for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                  &d.scaled_variance, &d.jacobian_norm})
    v->assign(static_cast<std::size_t>(n), 0.0);
  const auto moments = [&](const Matrix& s, int i, double& mean, double& var) {
    double sum = 0;
    int count = 0;
    for (int j = 0; j < m; ++j)
      if (allowed(i, j)) {
        sum += s(i, j);
        ++count;
      }
    if (count == 0) return;
    mean = sum / count;
    double squares = 0;  // second pass: exact for large means, unlike E[s²] − E[s]²
    for (int j = 0; j < m; ++j)
      if (allowed(i, j)) squares += (s(i, j) - mean) * (s(i, j) - mean);
    var = squares / count;  // population variance over the row's allowed keys
  };
  for (int i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(i);
    moments(scores, i, d.raw_mean[row], d.raw_variance[row]);
    moments(scaled, i, d.scaled_mean[row], d.scaled_variance[row]);
    if (weights.row(i).hasNaN()) {  // no defined softmax: nothing finite to say about it
      for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.jacobian_norm})
        (*v)[row] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    double h = 0, wmax = 0;
    for (int j = 0; j < m; ++j) {
      const double p = weights(i, j);
      if (p > 0) h -= p * std::log(p);
      wmax = std::max(wmax, p);
    }
    if (wmax == 0) continue;  // an empty row
    d.entropy[row] = h;
    d.effective_keys[row] = std::exp(h);
    d.max_weight[row] = wmax;
    d.jacobian_norm[row] = softmax_jacobian_norm(weights.row(i).data(), m);
  }
  return d;
}

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale) {
  return row_diagnostics(scores, Matrix(scale * scores), weights, allowed);
}

}  // namespace ap::core

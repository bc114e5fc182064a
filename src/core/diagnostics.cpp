// Diagnostics are computed from the trace in double, the same for every backend.
#include "core/diagnostics.hpp"

#include <cmath>

namespace ap::core {

double softmax_jacobian_norm(const double* p, int m) {
  double s2 = 0, s3 = 0;
  for (int j = 0; j < m; ++j) {
    s2 += p[j] * p[j];
    s3 += p[j] * p[j] * p[j];
  }
  return std::sqrt(std::max(0.0, s2 - 2 * s3 + s2 * s2));
}

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale) {
  const int n = static_cast<int>(scores.rows()), m = static_cast<int>(scores.cols());
  RowDiagnostics d;
  for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                  &d.scaled_variance, &d.jacobian_norm})
    v->assign(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) {
    double h = 0, wmax = 0, sum = 0;
    int count = 0;
    for (int j = 0; j < m; ++j) {
      if (!allowed(i, j)) continue;
      const double p = weights(i, j);
      if (p > 0) h -= p * std::log(p);
      wmax = std::max(wmax, p);
      sum += scores(i, j);
      ++count;
    }
    if (count == 0) continue;
    const double mean = sum / count;
    double squares = 0;  // second pass: exact for large means, unlike E[s²] − E[s]²
    for (int j = 0; j < m; ++j)
      if (allowed(i, j)) squares += (scores(i, j) - mean) * (scores(i, j) - mean);
    const double var = squares / count;  // population variance over the row's allowed keys
    const auto row = static_cast<std::size_t>(i);
    d.entropy[row] = h;
    d.effective_keys[row] = std::exp(h);
    d.max_weight[row] = wmax;
    d.raw_mean[row] = mean;
    d.raw_variance[row] = var;
    d.scaled_mean[row] = scale * mean;
    d.scaled_variance[row] = scale * scale * var;
    d.jacobian_norm[row] = softmax_jacobian_norm(weights.row(i).data(), m);
  }
  return d;
}

}  // namespace ap::core

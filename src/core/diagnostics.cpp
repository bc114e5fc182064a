// Diagnostics are computed from the trace in double, the same for every backend.
#include "core/diagnostics.hpp"

#include <algorithm>
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

void resize_diagnostics(RowDiagnostics& d, int n) {
  for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                  &d.scaled_variance, &d.jacobian_norm})
    v->assign(static_cast<std::size_t>(n), 0.0);
}

namespace {

// Mean and population variance of a row's allowed entries (two passes: exact for large means, unlike E[s²] − E[s]²).
template <class T>
void moments(const T* s, const std::uint8_t* ok, int m, double& mean, double& var) {
  double sum = 0;
  int count = 0;
  for (int j = 0; j < m; ++j)
    if (ok[j]) {
      sum += static_cast<double>(s[j]);
      ++count;
    }
  if (count == 0) {
    mean = var = 0;
    return;
  }
  mean = sum / count;
  double squares = 0;
  for (int j = 0; j < m; ++j)
    if (ok[j]) squares += (static_cast<double>(s[j]) - mean) * (static_cast<double>(s[j]) - mean);
  var = squares / count;
}

}  // namespace

template <class T>
void row_diagnostics_block(const T* scores, const T* scaled, const T* weights, int rows, int m, int row0,
                           const AllowMatrix& allowed, RowDiagnostics& d) {
  for (int r = 0; r < rows; ++r) {
    const int i = row0 + r;
    const auto row = static_cast<std::size_t>(i);
    const std::size_t at = static_cast<std::size_t>(r) * m;
    const std::uint8_t* ok = allowed.data() + static_cast<std::size_t>(i) * allowed.cols();
    moments(scores + at, ok, m, d.raw_mean[row], d.raw_variance[row]);
    moments(scaled + at, ok, m, d.scaled_mean[row], d.scaled_variance[row]);
    // The weights' statistics over the whole row (masked cells carry weight too when mask_fill is finite), in two
    // passes: entropy and the largest weight, then the softmax Jacobian's norm with the sums over the other
    // entries formed directly (accurate for nearly one-hot rows, see softmax_jacobian_norm).
    const T* w = weights + at;
    double h = 0;
    int top = 0;
    bool nan = false;
    for (int j = 0; j < m; ++j) {
      const double p = static_cast<double>(w[j]);
      if (std::isnan(p)) nan = true;
      if (p > 0) h -= p * std::log(p);
      if (p > static_cast<double>(w[top])) top = j;
    }
    const double pt = static_cast<double>(w[top]);
    if (nan) {  // no defined softmax: nothing finite to say about it
      for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.jacobian_norm})
        (*v)[row] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (pt == 0) {  // an empty row
      for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.jacobian_norm}) (*v)[row] = 0.0;
      continue;
    }
    double rest1 = 0, rest2 = 0, rest4 = 0, own = 0;
    for (int j = 0; j < m; ++j) {
      if (j == top) continue;
      const double p = static_cast<double>(w[j]), p2 = p * p;
      rest1 += p;
      rest2 += p2;
      rest4 += p2 * p2;
      own += p2 * (1 - p) * (1 - p);
    }
    const double s2 = pt * pt + rest2;
    d.entropy[row] = h;
    d.effective_keys[row] = std::exp(h);
    d.max_weight[row] = pt;
    d.jacobian_norm[row] = std::sqrt(std::max(0.0, pt * pt * (rest1 * rest1 + rest2) + own + s2 * rest2 - rest4));
  }
}

template <class T>
void row_diagnostics_textbook_block(const T* scores, const T* weights, int rows, int m, int row0, const MaskRule& mask,
                                    double scale, RowDiagnostics& d) {
  const bool elementwise = mask.needs_elementwise_check();
  for (int r = 0; r < rows; ++r) {
    const auto row = static_cast<std::size_t>(row0 + r);
    const T* s = scores + static_cast<std::size_t>(r) * m;
    const T* w = weights + static_cast<std::size_t>(r) * m;
    const KeyRange open = mask.key_range(r);
    // pass 1 over the open keys: Σ s, the top score (and so the top weight), and the weights' sums over every key
    // but the current top, kept exact by moving the old top's terms in when a new one is found (no subtraction)
    double sum = 0, top_s = 0, pt = 0, rest1 = 0, rest2 = 0, rest4 = 0, own = 0, ps = 0;
    int count = 0;
    const auto add_rest = [&](double p) {
      const double p2 = p * p;
      rest1 += p;
      rest2 += p2;
      rest4 += p2 * p2;
      own += p2 * (1 - p) * (1 - p);
    };
    for (int j = open.begin; j < open.end; ++j) {
      if (elementwise && !mask.allowed(r, j)) continue;
      const double sj = static_cast<double>(s[j]), p = static_cast<double>(w[j]);
      sum += sj;
      ps += p * sj;
      if (count == 0 || sj > top_s) {
        if (count > 0) add_rest(pt);
        top_s = sj;
        pt = p;
      } else {
        add_rest(p);
      }
      ++count;
    }
    if (count == 0) {
      for (auto* v : {&d.entropy, &d.effective_keys, &d.max_weight, &d.raw_mean, &d.raw_variance, &d.scaled_mean,
                      &d.scaled_variance, &d.jacobian_norm})
        (*v)[row] = 0.0;
      continue;
    }
    const double mean = sum / count;
    double squares = 0;  // pass 2: the variance about the mean
    for (int j = open.begin; j < open.end; ++j)
      if (!elementwise || mask.allowed(r, j)) squares += (static_cast<double>(s[j]) - mean) * (static_cast<double>(s[j]) - mean);
    const double var = squares / count;
    // −Σ p log p with p_j = e^(x_j − x_max)/Z: = Σ p_j (x_max − x_j) + log Z, and log Z = −log p_top (x = scale·s)
    const double h = pt > 0 ? std::max(0.0, scale * (top_s * (pt + rest1) - ps) - std::log(pt)) : 0.0;
    const double s2 = pt * pt + rest2;
    d.entropy[row] = h;
    d.effective_keys[row] = std::exp(h);
    d.max_weight[row] = pt;
    d.raw_mean[row] = mean;
    d.raw_variance[row] = var;
    d.scaled_mean[row] = scale * mean;
    d.scaled_variance[row] = scale * scale * var;
    d.jacobian_norm[row] = std::sqrt(std::max(0.0, pt * pt * (rest1 * rest1 + rest2) + own + s2 * rest2 - rest4));
  }
}

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& scaled, const Matrix& weights, const AllowMatrix& allowed) {
  RowDiagnostics d;
  resize_diagnostics(d, static_cast<int>(scores.rows()));
  row_diagnostics_block(scores.data(), scaled.data(), weights.data(), static_cast<int>(scores.rows()),
                        static_cast<int>(scores.cols()), 0, allowed, d);
  return d;
}

template void row_diagnostics_textbook_block<float>(const float*, const float*, int, int, int, const MaskRule&, double,
                                                    RowDiagnostics&);
template void row_diagnostics_textbook_block<double>(const double*, const double*, int, int, int, const MaskRule&,
                                                     double, RowDiagnostics&);
template void row_diagnostics_block<float>(const float*, const float*, const float*, int, int, int, const AllowMatrix&,
                                           RowDiagnostics&);
template void row_diagnostics_block<double>(const double*, const double*, const double*, int, int, int,
                                            const AllowMatrix&, RowDiagnostics&);

RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale) {
  return row_diagnostics(scores, Matrix(scale * scores), weights, allowed);
}

}  // namespace ap::core

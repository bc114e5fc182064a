// The per-score steps between q·kᵀ and the softmax (SPEC §1b), written once for every backend, as
// FlexAttention's score_mod is: score = q·k rounded to the precision; scaled = scale·score, + ALiBi
// (−m_h·|p_q − p_k|), softcap (c·tanh(x / c)), rounded. The softmax's own variants (fill, sink) are in
// core/softmax.hpp. Kernels call these for every variant; only the textbook case (HeadVariants::textbook)
// may take a kernel's own vectorized path, and only when scores_may_be_nonfinite() says it is safe.
// Depends on core/kernel.hpp and core/precision.hpp only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>

#include "core/kernel.hpp"
#include "core/precision.hpp"

namespace ap::core {

// A raw q·k as the model stores it: rounded to the precision, if there is one.
template <class T>
inline T round_score(const HeadVariants<T>& v, T raw) {
  return v.precision ? round_to(*v.precision, raw) : raw;
}

// The scaled score of query i and key j from its (rounded) score, in the order of SPEC §1b.
template <class T>
inline T scaled_score(const HeadProblem<T>& p, T score, int i, int j) {
  const HeadVariants<T>& v = p.variants;
  T x = p.scale * score;
  if (v.alibi_slope != 0) x -= v.alibi_slope * static_cast<T>(std::abs(i + v.query_offset - j));
  if (v.softcap != 0) x = v.softcap * std::tanh(x / v.softcap);
  return v.precision ? round_to(*v.precision, x) : x;
}

// scaled[t] = scaled_score(scores[t]) for keys j0 + t, t < len, of query row i (scaled may be scores).
template <class T>
void scaled_scores_row(const HeadProblem<T>& p, int i, int j0, int len, const T* scores, T* scaled) {
  for (int t = 0; t < len; ++t) scaled[t] = scaled_score(p, scores[t], i, j0 + t);
}

// A weight as the model stores it (the softmax runs in T, its result is rounded).
template <class T>
inline T round_weight(const HeadVariants<T>& v, T w) {
  return v.precision ? round_to(*v.precision, w) : w;
}

// The largest Euclidean norm of `count` rows of `width` numbers (row r at rows + r·stride), in double; +∞ when a
// row holds ∞ or NaN. Four partial sums per row: a bound, so their order does not matter.
template <class T>
double largest_row_norm(const T* rows, int count, int stride, int width) {
  double most = 0;
  for (int r = 0; r < count; ++r) {
    const T* row = rows + static_cast<std::size_t>(r) * stride;
    double part[4] = {0, 0, 0, 0};
    int c = 0;
    for (; c + 4 <= width; c += 4)
      for (int u = 0; u < 4; ++u) part[u] += static_cast<double>(row[c + u]) * static_cast<double>(row[c + u]);
    for (; c < width; ++c) part[0] += static_cast<double>(row[c]) * static_cast<double>(row[c]);
    const double sum = (part[0] + part[1]) + (part[2] + part[3]);
    if (!(sum <= most)) {  // a larger row, or NaN (unordered)
      if (!(sum > most)) return std::numeric_limits<double>::infinity();
      most = sum;
    }
  }
  return std::sqrt(most);
}

// Whether scores of rows with these largest norms may leave T's finite range (see scores_may_be_nonfinite).
template <class T>
bool score_bound_overflows(double q_norm, double k_norm, T scale) {
  const double bound = q_norm * k_norm * std::max(1.0, std::fabs(static_cast<double>(scale)));
  return !(bound < static_cast<double>(std::numeric_limits<T>::max()) / 4);
}

// False only when every q·k and scale·q·k of this head is certainly finite in T: the largest row norms of q and
// k bound |q_i·k_j| and every partial sum of it (Cauchy–Schwarz), with a factor 4 of room for rounding. A kernel's
// fast path, which does not look for ∞ or NaN, is only taken when this is false. O((n + m)·d_k).
template <class T>
bool scores_may_be_nonfinite(const HeadProblem<T>& p) {
  return score_bound_overflows(largest_row_norm(p.q, p.n, p.q_stride, p.d_k),
                               largest_row_norm(p.k, p.m, p.k_stride, p.d_k), p.scale);
}

}  // namespace ap::core

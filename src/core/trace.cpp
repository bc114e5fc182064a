// The non-finite cells of a trace (SPEC §1b: listed, never hidden).
#include "core/trace.hpp"

#include <cmath>
#include <limits>

namespace ap::core {

namespace {

// True when every entry is finite: |v| ≤ max fails for ±∞ and NaN alike, and the loop vectorizes (no branch).
bool all_finite(const Matrix& m) {
  const double* p = m.data();
  const Eigen::Index size = m.size();
  bool finite = true;
  for (Eigen::Index i = 0; i < size; ++i) finite &= std::fabs(p[i]) <= std::numeric_limits<double>::max();
  return finite;
}

void scan(const Matrix& m, int head, const char* name, std::vector<NonFiniteCell>& cells) {
  if (all_finite(m)) return;  // the usual case
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j))) cells.push_back({head, name, static_cast<int>(i), static_cast<int>(j)});
}

}  // namespace

std::vector<NonFiniteCell> nonfinite_cells(const Trace& t) {
  std::vector<NonFiniteCell> cells;
  scan(t.x_in, -1, "x_in", cells);
  scan(t.context_in, -1, "context_in", cells);
  for (std::size_t h = 0; h < t.heads.size(); ++h) {
    const HeadTrace& ht = t.heads[h];
    const int head = static_cast<int>(h);
    scan(ht.q, head, "q", cells);
    scan(ht.k, head, "k", cells);
    scan(ht.v, head, "v", cells);
    scan(ht.scores, head, "scores", cells);
    scan(ht.scaled, head, "scaled", cells);
    scan(ht.weights, head, "weights", cells);
    scan(ht.output, head, "output", cells);
  }
  scan(t.concat, -1, "concat", cells);
  scan(t.output, -1, "output", cells);
  return cells;
}

}  // namespace ap::core

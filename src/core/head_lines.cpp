// The head view's lines (see head_lines.hpp): one pass over the chosen cells with a min-heap of the max_lines
// heaviest, so choosing costs O(cells · log max_lines) and no more memory than the lines kept.
#include "core/head_lines.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

namespace ap::core {

HeadLineSet head_lines(const std::vector<HeadWeights>& heads, int focus_query, int focus_key, double min_weight,
                       std::size_t max_lines) {
  HeadLineSet set;
  const auto lighter = [](const HeadLine& a, const HeadLine& b) { return a.weight > b.weight; };  // min-heap on weight
  std::priority_queue<HeadLine, std::vector<HeadLine>, decltype(lighter)> kept(lighter);
  const auto offer = [&](int head, int i, int j, double w) {
    if (!std::isfinite(w)) {
      ++set.nonfinite;
      return;
    }
    if (!(w > min_weight)) return;
    ++set.candidates;
    if (kept.size() < max_lines) {
      kept.push({head, i, j, w});
      return;
    }
    if (max_lines == 0 || w <= kept.top().weight) {
      set.cutoff = std::max(set.cutoff, w);
      return;
    }
    set.cutoff = std::max(set.cutoff, kept.top().weight);
    kept.pop();
    kept.push({head, i, j, w});
  };
  for (const HeadWeights& hw : heads) {
    if (!hw.weights) continue;
    const Matrix& m = *hw.weights;
    const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
    const int i0 = focus_query >= 0 ? focus_query : 0, i1 = focus_query >= 0 ? std::min(rows, focus_query + 1) : rows;
    const int j0 = focus_key >= 0 ? focus_key : 0, j1 = focus_key >= 0 ? std::min(cols, focus_key + 1) : cols;
    for (int i = i0; i < i1; ++i)  // row-major (core/matrix.hpp)
      for (int j = j0; j < j1; ++j) offer(hw.head, i, j, m(i, j));
  }
  set.hidden = set.candidates - static_cast<long long>(kept.size());
  set.lines.reserve(kept.size());
  while (!kept.empty()) {
    set.lines.push_back(kept.top());
    kept.pop();
  }
  return set;
}

}  // namespace ap::core

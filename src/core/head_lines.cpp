// The head view's lines (see head_lines.hpp): a first pass counts the candidates; past the bound a second keeps
// each row's heaviest in a small heap, then, if the rows alone are too many, one heap over the rows' picks.
// O(cells · log k) time and no more memory than the lines kept.
#include "core/head_lines.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

namespace ap::core {

namespace {

struct Range {
  int i0, i1, j0, j1;
};

Range cells_of(const Matrix& m, int focus_query, int focus_key) {
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  return {focus_query >= 0 ? std::min(rows, focus_query) : 0, focus_query >= 0 ? std::min(rows, focus_query + 1) : rows,
          focus_key >= 0 ? std::min(cols, focus_key) : 0, focus_key >= 0 ? std::min(cols, focus_key + 1) : cols};
}

// Keeps the `limit` heaviest lines offered; the heaviest one pushed out is the cutoff.
class Heaviest {
 public:
  explicit Heaviest(std::size_t limit) : limit_(limit) {}
  void offer(const HeadLine& l, double& cutoff) {
    if (kept_.size() < limit_) {
      kept_.push(l);
      return;
    }
    if (limit_ == 0 || l.weight <= kept_.top().weight) {
      cutoff = std::max(cutoff, l.weight);
      return;
    }
    cutoff = std::max(cutoff, kept_.top().weight);
    kept_.pop();
    kept_.push(l);
  }
  void drain(std::vector<HeadLine>& out) {
    while (!kept_.empty()) {
      out.push_back(kept_.top());
      kept_.pop();
    }
  }

 private:
  struct Lighter {
    bool operator()(const HeadLine& a, const HeadLine& b) const { return a.weight > b.weight; }  // a min-heap
  };
  std::size_t limit_;
  std::priority_queue<HeadLine, std::vector<HeadLine>, Lighter> kept_;
};

}  // namespace

HeadLineSet head_lines(const std::vector<HeadWeights>& heads, int focus_query, int focus_key, double min_weight,
                       std::size_t max_lines) {
  HeadLineSet set;
  long long rows = 0;
  for (const HeadWeights& hw : heads) {  // pass 1: how many lines there are
    if (!hw.weights) continue;
    const Range r = cells_of(*hw.weights, focus_query, focus_key);
    rows += r.i1 - r.i0;
    for (int i = r.i0; i < r.i1; ++i)  // row-major (core/matrix.hpp)
      for (int j = r.j0; j < r.j1; ++j) {
        const double w = (*hw.weights)(i, j);
        if (!std::isfinite(w)) ++set.nonfinite;
        else if (w > min_weight) ++set.candidates;
      }
  }
  const bool cut = set.candidates > static_cast<long long>(max_lines);
  if (cut) set.per_query = static_cast<int>(std::max<long long>(1, static_cast<long long>(max_lines) / std::max(1LL, rows)));
  std::vector<HeadLine> picked;
  for (const HeadWeights& hw : heads) {  // pass 2: every line, or each row's heaviest
    if (!hw.weights) continue;
    const Range r = cells_of(*hw.weights, focus_query, focus_key);
    for (int i = r.i0; i < r.i1; ++i) {
      Heaviest row(cut ? static_cast<std::size_t>(set.per_query) : static_cast<std::size_t>(r.j1 - r.j0));
      for (int j = r.j0; j < r.j1; ++j) {
        const double w = (*hw.weights)(i, j);
        if (std::isfinite(w) && w > min_weight) row.offer({hw.head, i, j, w}, set.cutoff);
      }
      row.drain(picked);
    }
  }
  if (picked.size() > max_lines) {  // more rows than lines: the heaviest of the rows' picks
    Heaviest all(max_lines);
    for (const HeadLine& l : picked) all.offer(l, set.cutoff);
    picked.clear();
    all.drain(picked);
  }
  std::sort(picked.begin(), picked.end(), [](const HeadLine& a, const HeadLine& b) { return a.weight < b.weight; });
  set.lines = std::move(picked);
  set.hidden = set.candidates - static_cast<long long>(set.lines.size());
  return set;
}

}  // namespace ap::core

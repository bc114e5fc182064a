// The lines of a head view as BertViz draws it (queries in a left column, keys in a right one, a line per
// query–key pair whose opacity follows its weight): which lines to draw, bounded so a frame never draws more than
// max_lines whatever N, with how many were left out and below what weight. Past the bound each query row keeps its
// own heaviest keys (a global cut would keep only the first rows of a causal mask, whose few keys weigh most).
// The weights are the trace's, unchanged. Depends on core/matrix only.
#pragma once

#include <cstddef>
#include <vector>

#include "core/matrix.hpp"

namespace ap::core {

struct HeadLine {
  int head = 0, query = 0, key = 0;
  double weight = 0;  // weights(query, key) of that head, as the trace holds it
};

struct HeadWeights {
  int head = 0;
  const Matrix* weights = nullptr;  // N × M softmax weights (or a pooled overview of them)
};

struct HeadLineSet {
  std::vector<HeadLine> lines;  // lightest first, so the heavy lines are drawn on top
  long long candidates = 0;     // lines with a finite weight above min_weight (the focus's only, when there is one)
  long long hidden = 0;         // of those, left out to stay within max_lines: each weighs at most `cutoff`
  double cutoff = 0;            // the heaviest hidden line's weight (0 when none is hidden)
  int per_query = 0;            // > 0: each query row of each head kept at most this many, its heaviest
  long long nonfinite = 0;      // weights that are ±∞ or NaN: never a line (the view says how many)
};

// The lines of `heads` (every query–key pair; only query row `focus_query`, or only key column `focus_key`, when one
// is ≥ 0) weighing more than min_weight: all of them when they are at most max_lines; else each row's heaviest
// max(1, max_lines / rows) keys, and of those the max_lines heaviest should there still be too many.
HeadLineSet head_lines(const std::vector<HeadWeights>& heads, int focus_query, int focus_key, double min_weight,
                       std::size_t max_lines);

}  // namespace ap::core

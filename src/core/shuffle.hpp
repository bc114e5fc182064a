// Shuffle tokens: attention without positions is blind to order. Permuting the input's tokens permutes the output's
// rows the same way (permutation equivariance); positional encodings, a causal mask or ALiBi break that. Pure math on
// Scenario and Trace; no UI. A permutation `order` lists, for each new position i, the old position it takes.
#pragma once

#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

// A seeded permutation of 0 … n−1 that moves every token when n ≥ 2 (a derangement); the same seed gives the same one.
std::vector<int> shuffle_order(int n, unsigned seed);

// The scenario with its query tokens reordered: row i of x (and its label, its d_output row) is old row order[i].
// Self-attention moves the keys with the queries (key padding, a painted mask's rows and columns); cross-attention
// reorders the queries only. Positions stay where they are: a positional table is not reordered.
// Throws InputError unless order is a permutation of 0 … n−1.
Scenario shuffle_tokens(const Scenario& s, const std::vector<int>& order);

// rows × cols → rows × cols: row i is m's row order[i].
Matrix permute_rows(const Matrix& m, const std::vector<int>& order);

// What carries order, removed: no positional encoding, no causal or window mask, no ALiBi.
Scenario without_order(const Scenario& s);
// The scenario with positions: its own encoding, or sinusoidal ones when it has none.
Scenario with_positions(const Scenario& s);

// How far the shuffled input's output is from the original output reordered the same way.
struct ShuffleComparison {
  std::vector<double> row_difference;  // per new row i: max_c |shuffled.output(i, c) − original.output(order[i], c)|
  double max_difference = 0;
  bool rows_follow(double tolerance = 1e-12) const { return max_difference <= tolerance; }
};
ShuffleComparison compare_shuffled(const Trace& original, const Trace& shuffled, const std::vector<int>& order);

}  // namespace ap::core

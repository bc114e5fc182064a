// The naive baseline: every query row spreads its weight evenly over the keys it may attend (a plain average of the
// values), pushed through the same W_O, beside what the learned weights give. Without a mask every row then gets
// the same output: the sentence collapses into one blurry summary. Pure math on Scenario and Trace; no UI.
#pragma once

#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

struct UniformBaseline {
  Matrix weights;                    // N × M: 1 / (allowed keys of the row) on each allowed key; an empty row is zero
  std::vector<Matrix> head_outputs;  // per head, N × d_v: weights · V of that head
  Matrix output;                     // N × d_model: concat · W_O + b_o
  Matrix difference;                 // N × d_model: the learned output − the uniform one
  std::vector<double> row_difference;  // per row: ‖difference row‖₂
  double max_row_difference = 0;
  bool rows_identical = false;       // every row's uniform output is the same, to rounding (no mask: one global average)
};

// From the learned trace's V of every head and its allowed cells (learned must hold every head's v; sinks,
// softcap and precision are not applied: the baseline is the textbook average). Throws InputError when it does not.
UniformBaseline uniform_attention(const Scenario& s, const Trace& learned);

}  // namespace ap::core

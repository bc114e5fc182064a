// Where a number comes from, for the views' explanations: the terms of one score q_i·k_j, one row's
// softmax under another multiplier (the scaling lab), and the RoPE offset demo. The UI shows these;
// it never multiplies anything itself.
#pragma once

#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

struct ScoreTerms {
  std::vector<double> q, k, products;  // d_k each: q_ic, k_jc, q_ic·k_jc
  double score = 0;                    // Σ products
  double scaled = 0;                   // scale · score
  bool allowed = true;
};

ScoreTerms score_terms(const Trace& trace, int head, int i, int j);

// One query row's softmax under a given multiplier, with its diagnostics: the scaling lab's columns.
struct SoftmaxStudy {
  double multiplier = 1;
  std::vector<double> weights;  // M (0 where masked)
  double entropy = 0, effective_keys = 0, max_weight = 0, jacobian_norm = 0;
};

SoftmaxStudy study_softmax(const Trace& trace, int head, int row, double multiplier);

// The score of one (q, k) pair with q at position p and k at p + offset, for p = 0 .. positions−1.
// Constant in p: RoPE scores depend only on the relative offset.
std::vector<double> rope_scores_at_offset(const std::vector<double>& q, const std::vector<double>& k, int offset,
                                          int positions, double base, RopePairing pairing);

}  // namespace ap::core

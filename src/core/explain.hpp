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

// The geometry of one (q, k) pair, for the geometry view: lengths, cosine and angle (none for a zero vector).
struct PairGeometry {
  double dot = 0, norm_q = 0, norm_k = 0;
  bool has_angle = false;  // false when q or k is the zero vector (no direction)
  double cosine = 0, degrees = 0;
};
PairGeometry pair_geometry(const ScoreTerms& terms);

// The row of m with the largest Euclidean length (0 for an empty matrix): the RoPE demo starts from it, since
// a zero vector would show a flat 0.
int longest_row(const Matrix& m);

// The query row the scaling lab opens on: the one with the most allowed keys (the last one of those), so a causal
// mask does not leave it with a single key and three identical panels.
int row_with_most_keys(const AllowMatrix& allowed);

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

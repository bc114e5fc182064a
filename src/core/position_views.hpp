// What the Positions view draws, computed here: the similarity of sinusoidal positions (PE·PEᵀ: how alike two
// positions look, falling off with their distance), whether a learned table is all zeros, and RoPE's score as a
// function of the offset between q and k with the first rotated pair of each for the plane.
#pragma once

#include <vector>

#include "core/matrix.hpp"
#include "core/scenario.hpp"

namespace ap::core {

// pe · peᵀ (positions × positions).
Matrix position_similarity(const Matrix& pe);

bool is_all_zero(const Matrix& m);

// q at position 0 and k at position r, for r = lo … hi: (r, q_0 · k_r). Depends on r alone (any start gives it).
std::vector<std::pair<double, double>> rope_score_by_offset(const std::vector<double>& q, const std::vector<double>& k,
                                                            int lo, int hi, double base, RopePairing pairing);

// The first rotation pair (coordinates 0 and 1 interleaved, 0 and d/2 half) of q at position p and k at p + offset:
// what the plane draws; the angle between them is the pair's share of the score.
struct RopePairPicture {
  double q_a = 0, q_b = 0, k_a = 0, k_b = 0;  // rotated coordinates
  int coord_a = 0, coord_b = 1;              // which coordinates of the head they are
  double pair_dot = 0;                       // q_a·k_a + q_b·k_b, this pair's term of the score
  double theta_q = 0, theta_k = 0;           // the rotation angles (radians) q and k got
};
RopePairPicture rope_first_pair(const std::vector<double>& q, const std::vector<double>& k, int position, int offset,
                                double base, RopePairing pairing);

}  // namespace ap::core

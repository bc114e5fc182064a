// Positions view numbers (see position_views.hpp).
#include "core/position_views.hpp"

#include "core/explain.hpp"
#include "core/positional.hpp"

namespace ap::core {

Matrix position_similarity(const Matrix& pe) { return pe * pe.transpose(); }

bool is_all_zero(const Matrix& m) { return m.size() == 0 || (m.array() == 0.0).all(); }

std::vector<std::pair<double, double>> rope_score_by_offset(const std::vector<double>& q, const std::vector<double>& k,
                                                            int lo, int hi, double base, RopePairing pairing) {
  std::vector<std::pair<double, double>> out;
  for (int r = lo; r <= hi; ++r) out.emplace_back(r, rope_scores_at_offset(q, k, r, 1, base, pairing).front());
  return out;
}

RopePairPicture rope_first_pair(const std::vector<double>& q, const std::vector<double>& k, int position, int offset,
                                double base, RopePairing pairing) {
  RopePairPicture pic;
  const int width = static_cast<int>(q.size());
  if (width < 2 || k.size() != q.size()) return pic;
  std::vector<double> qp = q, kp = k;
  rope_rotate_row(qp.data(), width, position, base, pairing);
  rope_rotate_row(kp.data(), width, position + offset, base, pairing);
  pic.coord_b = pairing == RopePairing::interleaved ? 1 : width / 2;
  const auto a = static_cast<std::size_t>(pic.coord_a), b = static_cast<std::size_t>(pic.coord_b);
  pic.q_a = qp[a];
  pic.q_b = qp[b];
  pic.k_a = kp[a];
  pic.k_b = kp[b];
  pic.pair_dot = pic.q_a * pic.k_a + pic.q_b * pic.k_b;
  pic.theta_q = rope_angle(position, 0, width, base);
  pic.theta_k = rope_angle(position + offset, 0, width, base);
  return pic;
}

}  // namespace ap::core

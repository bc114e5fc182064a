// Explanations computed from the trace in double.
#include "core/explain.hpp"

#include <algorithm>
#include <cmath>

#include "core/diagnostics.hpp"
#include "core/mask.hpp"
#include "core/positional.hpp"
#include "core/softmax.hpp"

namespace ap::core {

ScoreTerms score_terms(const Trace& trace, int head, int i, int j) {
  const HeadTrace& h = trace.heads.at(static_cast<std::size_t>(head));
  ScoreTerms t;
  for (Eigen::Index c = 0; c < h.q.cols(); ++c) {
    t.q.push_back(h.q(i, c));
    t.k.push_back(h.k(j, c));
    t.products.push_back(h.q(i, c) * h.k(j, c));
    t.score += t.products.back();
  }
  t.scaled = trace.scale * t.score;
  t.allowed = trace.allowed(i, j) != 0;
  return t;
}


SoftmaxStudy study_softmax(const Trace& trace, int head, int row, double multiplier) {
  const HeadTrace& h = trace.heads.at(static_cast<std::size_t>(head));
  const int m = static_cast<int>(h.scores.cols());
  SoftmaxStudy st;
  st.multiplier = multiplier;
  std::vector<double> scaled(static_cast<std::size_t>(m));
  MaskSpec spec;
  spec.allow = AllowMatrix(trace.allowed.row(row));
  const MaskRule rule(spec, 1, m);
  for (int j = 0; j < m; ++j) scaled[static_cast<std::size_t>(j)] = multiplier * h.scores(row, j);
  st.weights.assign(static_cast<std::size_t>(m), 0.0);
  masked_softmax_row<double>(scaled.data(), rule, 0, st.weights.data());
  for (double p : st.weights) {
    if (p > 0) st.entropy -= p * std::log(p);
    st.max_weight = std::max(st.max_weight, p);
  }
  st.effective_keys = std::exp(st.entropy);
  st.jacobian_norm = softmax_jacobian_norm(st.weights.data(), m);
  return st;
}


std::vector<double> rope_scores_at_offset(const std::vector<double>& q, const std::vector<double>& k, int offset,
                                          int positions, double base, RopePairing pairing) {
  std::vector<double> scores;
  const int width = static_cast<int>(q.size());
  for (int p = 0; p < positions; ++p) {
    std::vector<double> qp = q, kp = k;
    rope_rotate_row(qp.data(), width, p, base, pairing);
    rope_rotate_row(kp.data(), width, p + offset, base, pairing);
    double dot = 0;
    for (int c = 0; c < width; ++c) dot += qp[static_cast<std::size_t>(c)] * kp[static_cast<std::size_t>(c)];
    scores.push_back(dot);
  }
  return scores;
}

PairGeometry pair_geometry(const ScoreTerms& terms) {
  PairGeometry g;
  double qq = 0, kk = 0;
  for (std::size_t c = 0; c < terms.q.size(); ++c) {
    qq += terms.q[c] * terms.q[c];
    kk += terms.k[c] * terms.k[c];
  }
  g.dot = terms.score;
  g.norm_q = std::sqrt(qq);
  g.norm_k = std::sqrt(kk);
  g.has_angle = qq > 0 && kk > 0;
  if (g.has_angle) {
    g.cosine = std::clamp(terms.score / (g.norm_q * g.norm_k), -1.0, 1.0);
    g.degrees = std::acos(g.cosine) * 180.0 / M_PI;
  }
  return g;
}

int longest_row(const Matrix& m) {
  if (m.rows() == 0) return 0;
  Eigen::Index row = 0;
  m.rowwise().squaredNorm().maxCoeff(&row);
  return static_cast<int>(row);
}

int row_with_most_keys(const AllowMatrix& allowed) {
  int best = 0;
  Eigen::Index best_count = -1;
  for (Eigen::Index i = 0; i < allowed.rows(); ++i) {
    const Eigen::Index count = (allowed.row(i).array() != 0).count();
    if (count >= best_count) {
      best_count = count;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace ap::core

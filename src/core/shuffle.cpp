// Shuffle tokens (see shuffle.hpp).
#include "core/shuffle.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "core/error.hpp"

namespace ap::core {

std::vector<int> shuffle_order(int n, unsigned seed) {
  std::vector<int> order(static_cast<std::size_t>(std::max(n, 0)));
  std::iota(order.begin(), order.end(), 0);
  if (n < 2) return order;
  std::mt19937 rng(seed);
  // Sattolo's algorithm: a uniformly random single cycle, so no token stays where it was.
  for (int i = n - 1; i > 0; --i) {
    std::uniform_int_distribution<int> pick(0, i - 1);
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(pick(rng))]);
  }
  return order;
}

namespace {

void check_order(const std::vector<int>& order, int n) {
  std::vector<char> seen(static_cast<std::size_t>(n), 0);
  bool ok = static_cast<int>(order.size()) == n;
  for (int k : order) {
    if (!ok) break;
    ok = k >= 0 && k < n && !seen[static_cast<std::size_t>(k)];
    if (ok) seen[static_cast<std::size_t>(k)] = 1;
  }
  if (!ok) throw InputError("order", "expected a permutation of 0 … " + std::to_string(n - 1));
}

template <class Vector>
Vector permuted(const Vector& v, const std::vector<int>& order) {
  Vector out = v;
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[static_cast<std::size_t>(order[i])];
  return out;
}

}  // namespace

Matrix permute_rows(const Matrix& m, const std::vector<int>& order) {
  Matrix out(m.rows(), m.cols());
  for (std::size_t i = 0; i < order.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(order[i]);
  return out;
}

Scenario shuffle_tokens(const Scenario& s, const std::vector<int>& order) {
  check_order(order, s.n());
  Scenario out = s;
  out.query.x = permute_rows(s.query.x, order);
  out.query.tokens = permuted(s.query.tokens, order);
  if (s.d_output) out.d_output = permute_rows(*s.d_output, order);
  if (s.mask.allow) {
    const AllowMatrix& a = *s.mask.allow;
    AllowMatrix b(a.rows(), a.cols());
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index j = 0; j < a.cols(); ++j)
        b(i, j) = a(order[static_cast<std::size_t>(i)], s.context ? j : order[static_cast<std::size_t>(j)]);
    out.mask.allow = b;
  }
  if (s.mask.key_valid && !s.context) out.mask.key_valid = permuted(*s.mask.key_valid, order);
  return out;
}

Scenario without_order(const Scenario& s) {
  Scenario out = s;
  out.positional = Positional{};
  out.mask.causal = CausalAlign::none;
  out.mask.window = 0;
  out.variants.alibi = false;
  return out;
}

Scenario with_positions(const Scenario& s) {
  Scenario out = s;
  if (out.positional.kind == PositionalKind::none) out.positional.kind = PositionalKind::sinusoidal;
  return out;
}

ShuffleComparison compare_shuffled(const Trace& original, const Trace& shuffled, const std::vector<int>& order) {
  ShuffleComparison c;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    const double d = (shuffled.output.row(row) - original.output.row(order[i])).cwiseAbs().maxCoeff();
    c.row_difference.push_back(d);
    c.max_difference = std::max(c.max_difference, std::isnan(d) ? HUGE_VAL : d);
  }
  return c;
}

}  // namespace ap::core

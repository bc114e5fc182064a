// The uniform-attention baseline (see uniform_attention.hpp).
#include "core/uniform_attention.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace ap::core {

UniformBaseline uniform_attention(const Scenario& s, const Trace& learned) {
  const int n = s.n(), m = s.m();
  if (static_cast<int>(learned.heads.size()) != s.heads || learned.allowed.rows() != n || learned.allowed.cols() != m ||
      learned.output.rows() != n)
    throw InputError("trace", "the trace is not this scenario's");
  UniformBaseline b;
  // weights: N × M, row i = allowed(i, ·) / (its count)
  b.weights = learned.allowed.cast<double>();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double count = b.weights.row(i).sum();
    if (count > 0) b.weights.row(i) /= count;
  }
  Matrix concat(n, s.heads * s.d_v);  // N × h·d_v
  for (int h = 0; h < s.heads; ++h) {
    const Matrix& v = learned.heads[static_cast<std::size_t>(h)].v;  // M × d_v
    if (v.rows() != m || v.cols() != s.d_v) throw InputError("trace", "head " + std::to_string(h) + "'s V was not recorded");
    b.head_outputs.push_back(b.weights * v);
    concat.middleCols(static_cast<Eigen::Index>(h) * s.d_v, s.d_v) = b.head_outputs.back();
  }
  b.output = concat * s.w_o;
  b.output.rowwise() += s.b_o;
  b.difference = learned.output - b.output;
  for (Eigen::Index i = 0; i < n; ++i) {
    b.row_difference.push_back(b.difference.row(i).norm());
    b.max_row_difference = std::max(b.max_row_difference, b.row_difference.back());
  }
  // the same up to rounding: a matrix product may sum rows in different orders
  const double tolerance = 1e-12 * (1 + b.output.cwiseAbs().maxCoeff());
  b.rows_identical = true;
  for (Eigen::Index i = 1; i < n && b.rows_identical; ++i)
    b.rows_identical = (b.output.row(i) - b.output.row(0)).cwiseAbs().maxCoeff() <= tolerance;
  return b;
}

}  // namespace ap::core

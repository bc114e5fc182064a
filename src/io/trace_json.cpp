// Trace → JSON. Masked entries of `scaled` stay finite here; `allowed` says which ones the softmax saw. A non-finite
// cell (JSON has no ∞ or NaN) is written as null and listed under `nonfinite` (SPEC §1b); `computed_in` names the
// arithmetic that produced the trace.
#include "io/trace_json.hpp"

#include "core/error.hpp"
#include "io/scenario_json.hpp"

namespace ap::io {

using nlohmann::json;

json trace_to_json(const core::Trace& t) {
  json heads = json::array(), diagnostics = json::array();
  for (const auto& h : t.heads) {
    heads.push_back({{"q", matrix_to_json(h.q)},
                     {"k", matrix_to_json(h.k)},
                     {"v", matrix_to_json(h.v)},
                     {"scores", matrix_to_json(h.scores)},
                     {"scaled", matrix_to_json(h.scaled)},
                     {"weights", matrix_to_json(h.weights)},
                     {"output", matrix_to_json(h.output)}});
    const auto& d = h.diagnostics;
    diagnostics.push_back({{"entropy", d.entropy},
                           {"effective_keys", d.effective_keys},
                           {"max_weight", d.max_weight},
                           {"raw_mean", d.raw_mean},
                           {"raw_variance", d.raw_variance},
                           {"scaled_mean", d.scaled_mean},
                           {"scaled_variance", d.scaled_variance},
                           {"jacobian_norm", d.jacobian_norm}});
  }
  json allowed = json::array();
  for (Eigen::Index i = 0; i < t.allowed.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < t.allowed.cols(); ++j) row.push_back(static_cast<int>(t.allowed(i, j)));
    allowed.push_back(std::move(row));
  }
  json nonfinite = json::array();
  for (const auto& c : t.nonfinite)
    nonfinite.push_back({{"head", c.head < 0 ? json(nullptr) : json(c.head)}, {"matrix", c.matrix}, {"row", c.row}, {"col", c.col}});
  return {{"output", matrix_to_json(t.output)},
          {"concat", matrix_to_json(t.concat)},
          {"heads", std::move(heads)},
          {"diagnostics", {{"heads", std::move(diagnostics)}, {"empty_rows", t.empty_rows}}},
          {"backend", t.backend},
          {"computed_in", t.computed_in},
          {"nonfinite", std::move(nonfinite)},
          {"scale", t.scale},
          {"x_in", matrix_to_json(t.x_in)},
          {"allowed", std::move(allowed)},
          {"empty_rows", t.empty_rows}};
}

namespace {

json matrix_rows(const core::Matrix& m, const std::vector<int>& rows) {
  if (m.size() == 0) return json::array();
  core::Matrix picked(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t r = 0; r < rows.size(); ++r) picked.row(static_cast<Eigen::Index>(r)) = m.row(rows[r]);
  return matrix_to_json(picked);
}

json values_at(const std::vector<double>& v, const std::vector<int>& rows) {
  json out = json::array();
  for (int r : rows) out.push_back(v[static_cast<std::size_t>(r)]);
  return out;
}

}  // namespace

json trace_rows_to_json(const core::Trace& t, const std::vector<int>& rows) {
  for (int r : rows)
    if (r < 0 || r >= t.output.rows())
      throw core::InputError("--rows", "row " + std::to_string(r) + " is not a query row (0 to " +
                                           std::to_string(t.output.rows() - 1) + ")");
  json heads = json::array(), diagnostics = json::array();
  for (const auto& h : t.heads) {
    heads.push_back({{"q", matrix_rows(h.q, rows)},
                     {"k", matrix_to_json(h.k)},
                     {"v", matrix_to_json(h.v)},
                     {"scores", matrix_rows(h.scores, rows)},
                     {"scaled", matrix_rows(h.scaled, rows)},
                     {"weights", matrix_rows(h.weights, rows)},
                     {"output", matrix_rows(h.output, rows)}});
    const auto& d = h.diagnostics;
    diagnostics.push_back({{"entropy", values_at(d.entropy, rows)},
                           {"effective_keys", values_at(d.effective_keys, rows)},
                           {"max_weight", values_at(d.max_weight, rows)},
                           {"raw_mean", values_at(d.raw_mean, rows)},
                           {"raw_variance", values_at(d.raw_variance, rows)},
                           {"scaled_mean", values_at(d.scaled_mean, rows)},
                           {"scaled_variance", values_at(d.scaled_variance, rows)},
                           {"jacobian_norm", values_at(d.jacobian_norm, rows)}});
  }
  json allowed = json::array();
  for (int r : rows) {
    json row = json::array();
    for (Eigen::Index j = 0; j < t.allowed.cols(); ++j) row.push_back(static_cast<int>(t.allowed(r, j)));
    allowed.push_back(std::move(row));
  }
  return {{"rows", rows},
          {"output", matrix_rows(t.output, rows)},
          {"concat", matrix_rows(t.concat, rows)},
          {"heads", std::move(heads)},
          {"diagnostics", {{"heads", std::move(diagnostics)}, {"empty_rows", t.empty_rows}}},
          {"backend", t.backend},
          {"scale", t.scale},
          {"x_in", matrix_rows(t.x_in, rows)},
          {"allowed", std::move(allowed)},
          {"empty_rows", t.empty_rows}};
}

}  // namespace ap::io

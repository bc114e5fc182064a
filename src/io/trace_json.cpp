// Trace → JSON. Masked entries of `scaled` stay finite here; `allowed` says which ones the softmax saw. A non-finite
// cell (JSON has no ∞ or NaN) is written as null and listed under `nonfinite` (SPEC §1b); `computed_in` names the
// arithmetic that produced the trace.
#include "io/trace_json.hpp"

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

}  // namespace ap::io

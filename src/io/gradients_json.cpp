// Gradients → JSON (see gradients_json.hpp).
#include "io/gradients_json.hpp"

#include "io/scenario_json.hpp"

namespace ap::io {

using nlohmann::json;

namespace {

json row_to_json(const core::RowVector& v) {
  json a = json::array();
  for (Eigen::Index j = 0; j < v.cols(); ++j) a.push_back(v(j));
  return a;
}

}  // namespace

json gradients_to_json(const core::Gradients& g) {
  json doc = {{"d_x", matrix_to_json(g.d_x)},       {"d_w_q", matrix_to_json(g.d_w_q)},
              {"d_w_k", matrix_to_json(g.d_w_k)},   {"d_w_v", matrix_to_json(g.d_w_v)},
              {"d_w_o", matrix_to_json(g.d_w_o)},   {"d_b_q", row_to_json(g.d_b_q)},
              {"d_b_k", row_to_json(g.d_b_k)},      {"d_b_v", row_to_json(g.d_b_v)},
              {"d_b_o", row_to_json(g.d_b_o)},      {"backend", g.backend}};
  if (g.d_context_x) doc["d_context_x"] = matrix_to_json(*g.d_context_x);
  if (g.d_learned) doc["d_learned"] = matrix_to_json(*g.d_learned);
  return doc;
}

}  // namespace ap::io

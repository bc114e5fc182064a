// Shape edits: copy the overlapping block, fill the rest with the SPEC §1 defaults.
#include "core/scenario_edit.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace ap::core {

namespace {

// A rows × cols matrix holding `old`'s overlapping block; the rest is identity-like (or zero).
Matrix resized(const Matrix& old, int rows, int cols, bool identity_fill) {
  Matrix m = identity_fill ? identity_like(rows, cols) : Matrix(Matrix::Zero(rows, cols));
  const auto r = std::min<Eigen::Index>(rows, old.rows()), c = std::min<Eigen::Index>(cols, old.cols());
  m.topLeftCorner(r, c) = old.topLeftCorner(r, c);
  return m;
}

RowVector resized(const RowVector& old, int cols) {
  RowVector v = RowVector::Zero(cols);
  const auto c = std::min<Eigen::Index>(cols, old.cols());
  v.head(c) = old.head(c);
  return v;
}

// New rows are named prefix + index: "t3" for a query, "k3" for a context token (named apart from the queries).
void resize_labels(std::vector<std::string>& labels, int count, const char* prefix = "t") {
  const auto old = static_cast<int>(labels.size());
  labels.resize(static_cast<std::size_t>(count));
  for (int i = old; i < count; ++i) labels[static_cast<std::size_t>(i)] = prefix + std::to_string(i);
}

// Per-head column blocks: head h's first min(old, new) columns are kept.
Matrix reblock_columns(const Matrix& old, int old_heads, int old_width, int heads, int width) {
  Matrix m = identity_like(static_cast<int>(old.rows()), heads * width);
  for (int h = 0; h < std::min(heads, old_heads); ++h) {
    const int w = std::min(width, old_width);
    m.middleCols(h * width, w) = old.middleCols(h * old_width, w);
  }
  return m;
}

Matrix reblock_rows(const Matrix& old, int old_heads, int old_width, int heads, int width) {
  return reblock_columns(old.transpose(), old_heads, old_width, heads, width).transpose();
}

RowVector reblock(const RowVector& old, int old_heads, int old_width, int heads, int width) {
  RowVector v = RowVector::Zero(heads * width);
  for (int h = 0; h < std::min(heads, old_heads); ++h) {
    const int w = std::min(width, old_width);
    v.segment(h * width, w) = old.segment(h * old_width, w);
  }
  return v;
}

void resize_mask_rows_cols(Scenario& s) {
  if (s.mask.allow) {
    AllowMatrix a = AllowMatrix::Ones(s.n(), s.m());
    const auto r = std::min<Eigen::Index>(a.rows(), s.mask.allow->rows());
    const auto c = std::min<Eigen::Index>(a.cols(), s.mask.allow->cols());
    a.topLeftCorner(r, c) = s.mask.allow->topLeftCorner(r, c);
    s.mask.allow = a;
  }
  if (s.mask.key_valid) s.mask.key_valid->resize(static_cast<std::size_t>(s.m()), 1);
  if (s.positional.kind == PositionalKind::learned && s.positional.learned.rows() < std::max(s.n(), s.m()))
    s.positional.learned = resized(s.positional.learned, std::max(s.n(), s.m()), s.d_model(), false);
}

}  // namespace

Scenario with_token_count(const Scenario& s, int count) {
  Scenario out = s;
  out.query.x = resized(s.query.x, count, s.d_model(), false);
  resize_labels(out.query.tokens, count);
  resize_mask_rows_cols(out);
  return out;
}

Scenario with_context_count(const Scenario& s, int count) {
  Scenario out = s;
  if (count <= 0) {
    out.context.reset();
  } else {
    Sequence c = s.context ? *s.context : s.query;  // a new context starts from the queries' vectors
    if (!s.context) c.tokens.clear();                // but is named k0, k1, … so its keys read apart from t0, t1, …
    c.x = resized(c.x, count, s.d_model(), false);
    resize_labels(c.tokens, count, "k");
    out.context = std::move(c);
  }
  resize_mask_rows_cols(out);
  return out;
}

Scenario with_d_model(const Scenario& s, int d_model) {
  Scenario out = s;
  out.query.x = resized(s.query.x, s.n(), d_model, false);
  if (out.context) out.context->x = resized(s.context->x, s.m(), d_model, false);
  const int hk = s.heads * s.d_k, hv = s.heads * s.d_v, gk = s.kv_heads() * s.d_k, gv = s.kv_heads() * s.d_v;
  out.w_q = resized(s.w_q, d_model, hk, true);
  out.w_k = resized(s.w_k, d_model, gk, true);
  out.w_v = resized(s.w_v, d_model, gv, true);
  out.w_o = resized(s.w_o, hv, d_model, true);
  out.b_o = resized(s.b_o, d_model);
  if (out.positional.kind == PositionalKind::learned)
    out.positional.learned = resized(s.positional.learned, static_cast<int>(s.positional.learned.rows()), d_model, false);
  return out;
}

Scenario with_head_shape(const Scenario& s, int heads, int d_k, int d_v) {
  Scenario out = s;
  out.heads = heads;
  out.d_k = d_k;
  out.d_v = d_v;
  // K and V keep kv_heads blocks when it is given (validation then says whether it still divides heads)
  const int g = s.kv_heads(), new_g = out.kv_heads();
  out.w_q = reblock_columns(s.w_q, s.heads, s.d_k, heads, d_k);
  out.w_k = reblock_columns(s.w_k, g, s.d_k, new_g, d_k);
  out.w_v = reblock_columns(s.w_v, g, s.d_v, new_g, d_v);
  out.w_o = reblock_rows(s.w_o, s.heads, s.d_v, heads, d_v);
  out.b_q = reblock(s.b_q, s.heads, s.d_k, heads, d_k);
  out.b_k = reblock(s.b_k, g, s.d_k, new_g, d_k);
  out.b_v = reblock(s.b_v, g, s.d_v, new_g, d_v);
  if (out.variants.sinks) out.variants.sinks = resized(*s.variants.sinks, heads);  // new heads: sink logit 0
  return out;
}

Scenario with_head_count(const Scenario& s, int heads) {
  if (heads < 1) return with_head_shape(s, heads, s.d_k, s.d_v);  // validation names the problem
  const int dk = s.d_model() % heads == 0 ? s.d_model() / heads : s.d_k;  // keep d_model / h when it divides
  const int dv = dk == s.d_k ? s.d_v : dk;
  return with_head_shape(s, heads, dk, dv);
}

Scenario with_kv_heads(const Scenario& s, int kv_heads) {
  Scenario out = s;
  out.variants.kv_heads = kv_heads == s.heads ? std::nullopt : std::optional<int>(kv_heads);
  if (kv_heads < 1 || kv_heads > s.heads) return out;  // nothing to reblock: validation names the problem
  // K/V head j's block comes from the old K/V head of its first query head, ⌈j·h / g⌉ (j·h / g when g divides h)
  const auto reblocked = [&](const auto& old, int width) {
    std::decay_t<decltype(old)> blocks(old.rows(), static_cast<Eigen::Index>(kv_heads) * width);
    for (int j = 0; j < kv_heads; ++j) {
      const int first_query_head = (j * s.heads + kv_heads - 1) / kv_heads;
      blocks.middleCols(static_cast<Eigen::Index>(j) * width, width) =
          old.middleCols(static_cast<Eigen::Index>(s.kv_head_of(first_query_head)) * width, width);
    }
    return blocks;
  };
  out.w_k = reblocked(s.w_k, s.d_k);
  out.w_v = reblocked(s.w_v, s.d_v);
  out.b_k = reblocked(s.b_k, s.d_k);
  out.b_v = reblocked(s.b_v, s.d_v);
  return out;
}

Scenario with_scale_folded(const Scenario& s) {
  Scenario out = s;
  const double scale = s.scale.factor(s.d_k);
  const double q_factor = scale > 0 ? std::sqrt(scale) : scale, k_factor = scale > 0 ? std::sqrt(scale) : 1.0;
  out.w_q *= q_factor;
  out.b_q *= q_factor;
  out.w_k *= k_factor;
  out.b_k *= k_factor;
  out.scale = Scale{ScaleKind::none, 1.0};
  return out;
}

}  // namespace ap::core

#include <Eigen/QR>

#include "core/error.hpp"

namespace ap::core {

Scenario with_projection_moved(const Scenario& s, ProjectionRole role, int head, int row, const std::vector<double>& target,
                               const std::vector<double>& current) {
  if (s.positional.kind == PositionalKind::rope)
    throw InputError("positional", "dragging a vector is not available with RoPE (the rotation depends on position); edit x instead");
  const Matrix& w = role == ProjectionRole::query ? s.w_q : s.w_k;
  const Matrix block = w.middleCols(static_cast<Eigen::Index>(head) * s.d_k, s.d_k);  // d_model × d_k
  RowVector delta(s.d_k);
  for (int c = 0; c < s.d_k; ++c) delta(c) = target[static_cast<std::size_t>(c)] - current[static_cast<std::size_t>(c)];
  const Matrix pinv = block.completeOrthogonalDecomposition().pseudoInverse();  // d_k × d_model
  const RowVector dx = delta * pinv;                                               // 1 × d_model
  Scenario out = s;
  Sequence& seq = role == ProjectionRole::key && out.context ? *out.context : out.query;
  seq.x.row(row) += dx;
  return out;
}

}  // namespace ap::core

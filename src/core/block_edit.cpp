// Block edits: overwrite in place when the block fits, otherwise reshape the scenario around it.
#include "core/block_edit.hpp"

#include <string>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/scenario_edit.hpp"

namespace ap::core {

namespace {

std::string shape(Eigen::Index rows, Eigen::Index cols) { return std::to_string(rows) + " × " + std::to_string(cols); }

// The matrix a target names (biases are 1 × n views of their row vectors), or null.
Matrix* matrix_of(Scenario& s, std::string_view target) {
  if (target == "x") return &s.query.x;
  if (target == "context.x") return s.context ? &s.context->x : nullptr;
  if (target == "w_q") return &s.w_q;
  if (target == "w_k") return &s.w_k;
  if (target == "w_v") return &s.w_v;
  if (target == "w_o") return &s.w_o;
  if (target == "positional.learned") return s.positional.kind == PositionalKind::learned ? &s.positional.learned : nullptr;
  return nullptr;
}

RowVector* vector_of(Scenario& s, std::string_view target) {
  if (target == "b_q") return &s.b_q;
  if (target == "b_k") return &s.b_k;
  if (target == "b_v") return &s.b_v;
  if (target == "b_o") return &s.b_o;
  return nullptr;
}

[[noreturn]] void refuse(std::string_view target, const std::string& message) {
  throw InputError(std::string(target), message);
}

// Whole-matrix replacement with a new shape: resize the scenario so the block is the matrix.
Scenario reshaped_for(const Scenario& s, std::string_view target, const Matrix& block) {
  const auto rows = static_cast<int>(block.rows()), cols = static_cast<int>(block.cols());
  const std::string given = "got " + shape(rows, cols);
  auto need_rows_d_model = [&] {
    if (rows != s.d_model())
      refuse(target, "needs d_model = " + std::to_string(s.d_model()) + " rows, " + given +
                         " (load x first to change d_model)");
  };
  // w_k and w_v hold kv_heads blocks (grouped-query attention), the others heads blocks
  const bool kv = target == "w_k" || target == "w_v";
  const int blocks = kv ? s.kv_heads() : s.heads;
  const char* blocks_name = kv && s.variants.kv_heads ? "kv_heads" : "h";
  auto per_head = [&](int count, const char* what) {
    if (count % blocks != 0)
      refuse(target, std::to_string(count) + " is not a multiple of " + blocks_name + " = " + std::to_string(blocks) +
                         " (" + what + " = " + std::to_string(count) + " / " + blocks_name + "), " + given);
    return count / blocks;
  };
  Scenario out = s;
  if (target == "x" || target == "context.x") {
    if (rows > limits::max_tokens)
      refuse(target, std::to_string(rows) + " tokens exceed the limit of " + std::to_string(limits::max_tokens));
    if (cols > limits::max_d_model)
      refuse(target, "d_model = " + std::to_string(cols) + " exceeds the limit of " + std::to_string(limits::max_d_model));
  }
  if (target == "x") {
    validate_dimensions(rows, s.context ? s.m() : rows, cols, s.heads, s.d_k, s.d_v);
    out = with_d_model(with_token_count(s, rows), cols);
    out.query.x = block;
  } else if (target == "context.x") {
    if (cols != s.d_model()) refuse(target, "needs d_model = " + std::to_string(s.d_model()) + " columns, " + given);
    validate_dimensions(s.n(), rows, cols, s.heads, s.d_k, s.d_v);
    out = with_context_count(s, rows);
    out.context->x = block;
  } else if (target == "w_q" || target == "w_k") {
    need_rows_d_model();
    const int d_k = per_head(cols, "d_k");
    validate_dimensions(s.n(), s.m(), s.d_model(), s.heads, d_k, s.d_v);
    out = with_head_shape(s, s.heads, d_k, s.d_v);
    (target == "w_q" ? out.w_q : out.w_k) = block;
  } else if (target == "w_v") {
    need_rows_d_model();
    const int d_v = per_head(cols, "d_v");
    validate_dimensions(s.n(), s.m(), s.d_model(), s.heads, s.d_k, d_v);
    out = with_head_shape(s, s.heads, s.d_k, d_v);
    out.w_v = block;
  } else if (target == "w_o") {
    if (cols != s.d_model()) refuse(target, "needs d_model = " + std::to_string(s.d_model()) + " columns, " + given);
    const int d_v = per_head(rows, "d_v");
    validate_dimensions(s.n(), s.m(), s.d_model(), s.heads, s.d_k, d_v);
    out = with_head_shape(s, s.heads, s.d_k, d_v);
    out.w_o = block;
  } else if (target == "positional.learned") {
    if (cols != s.d_model()) refuse(target, "needs d_model = " + std::to_string(s.d_model()) + " columns, " + given);
    out.positional.learned = block;
  } else {
    refuse(target, "a " + shape(rows, cols) + " block does not fit");
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& block_targets() {
  static const std::vector<std::string_view> targets = {"x",   "context.x", "w_q", "w_k", "w_v", "w_o",
                                                        "b_q", "b_k",       "b_v", "b_o", "positional.learned"};
  return targets;
}

Scenario with_block(const Scenario& s, std::string_view target, int row, int col, const Matrix& block, BlockMode mode) {
  if (block.rows() == 0 || block.cols() == 0) refuse(target, "nothing to put in (an empty block)");
  Scenario out = s;
  if (RowVector* v = vector_of(out, target)) {
    if (row != 0 || block.rows() != 1 || col < 0 || col + block.cols() > v->cols())
      refuse(target, "a " + shape(block.rows(), block.cols()) + " block does not fit at [" + std::to_string(col) +
                         "] of a vector of " + std::to_string(v->cols()));
    v->segment(col, block.cols()) = block.row(0);
    return out;
  }
  Matrix* m = matrix_of(out, target);
  if (!m) {
    if (target == "context.x") refuse(target, "there is no second sequence (turn cross-attention on first)");
    if (target == "positional.learned") refuse(target, "the positional encoding is not learned (choose learned first)");
    refuse(target, "not a matrix of the scenario");
  }
  if (mode == BlockMode::replace) {
    if (row != 0 || col != 0) refuse(target, "a whole matrix goes in at [0][0]");
    if (block.rows() == m->rows() && block.cols() == m->cols()) {
      *m = block;
      return out;
    }
    return reshaped_for(s, target, block);
  }
  const bool fits = row >= 0 && col >= 0 && row + block.rows() <= m->rows() && col + block.cols() <= m->cols();
  if (fits) {
    m->block(row, col, block.rows(), block.cols()) = block;
    return out;
  }
  if (row == 0 && col == 0) return reshaped_for(s, target, block);
  refuse(target, "a " + shape(block.rows(), block.cols()) + " block does not fit at [" + std::to_string(row) + "][" +
                     std::to_string(col) + "] of a " + shape(m->rows(), m->cols()) +
                     " matrix (paste at [0][0] to replace it)");
}

}  // namespace ap::core

// Grid labels (see cell_labels.hpp).
#include "core/cell_labels.hpp"

namespace ap::core {

namespace {

enum class Axis { token, context_token, feature, input_feature, head_column, kv_head_column, value_head_column, output_feature, position, bias, sink };

// The axis kinds of a grid's rows and columns; false for a name the scenario does not have.
bool axes_of(const Scenario& s, const std::string& m, Axis& rows, Axis& cols) {
  if (m == "x") { rows = Axis::token; cols = Axis::feature; return true; }
  if (m == "context.x" && s.context) { rows = Axis::context_token; cols = Axis::feature; return true; }
  if (m == "positional.learned") { rows = Axis::position; cols = Axis::feature; return true; }
  if (m == "w_q" || m == "b_q") { rows = m[0] == 'b' ? Axis::bias : Axis::input_feature; cols = Axis::head_column; return true; }
  if (m == "w_k" || m == "b_k") { rows = m[0] == 'b' ? Axis::bias : Axis::input_feature; cols = Axis::kv_head_column; return true; }
  if (m == "w_v" || m == "b_v") { rows = m[0] == 'b' ? Axis::bias : Axis::input_feature; cols = Axis::value_head_column; return true; }
  if (m == "w_o") { rows = Axis::value_head_column; cols = Axis::output_feature; return true; }
  if (m == "b_o") { rows = Axis::bias; cols = Axis::output_feature; return true; }
  if (m == "sinks" && s.variants.sinks) { rows = Axis::sink; cols = Axis::head_column; return true; }
  return false;
}

// The width of one head's block along a head axis (query heads: d_k; K/V heads: d_k; values: d_v).
int block_width(const Scenario& s, Axis a) { return a == Axis::value_head_column ? s.d_v : s.d_k; }

int axis_length(const Scenario& s, const std::string& m, Axis a) {
  switch (a) {
    case Axis::token: return s.n();
    case Axis::context_token: return s.m();
    case Axis::feature: case Axis::input_feature: case Axis::output_feature: return s.d_model();
    case Axis::position: return static_cast<int>(s.positional.learned.rows());
    case Axis::bias: case Axis::sink: return 1;
    case Axis::head_column: return m == "sinks" ? s.heads : s.heads * s.d_k;
    case Axis::kv_head_column: return s.kv_heads() * s.d_k;
    case Axis::value_head_column: return (m == "w_o" ? s.heads : s.kv_heads()) * s.d_v;
  }
  return 0;
}

std::string short_label(const Scenario& s, const std::string& m, Axis a, int i) {
  const std::string n = std::to_string(i);
  switch (a) {
    case Axis::token: return s.query.tokens[static_cast<std::size_t>(i)];
    case Axis::context_token: return s.context->tokens[static_cast<std::size_t>(i)];
    case Axis::feature: return "d" + n;
    case Axis::input_feature: return "in " + n;
    case Axis::output_feature: return "out " + n;
    case Axis::position: return "p" + n;
    case Axis::bias: return "bias";
    case Axis::sink: return "sink";
    case Axis::head_column:
      if (m == "sinks") return "h" + n;
      [[fallthrough]];
    case Axis::kv_head_column: case Axis::value_head_column: {
      const int w = block_width(s, a);
      return "h" + std::to_string(i / w) + ":" + std::to_string(i % w);
    }
  }
  return n;
}

std::string long_label(const Scenario& s, const std::string& m, Axis a, int i) {
  const std::string n = std::to_string(i);
  switch (a) {
    case Axis::token: return "token " + s.query.tokens[static_cast<std::size_t>(i)];
    case Axis::context_token: return "context token " + s.context->tokens[static_cast<std::size_t>(i)];
    case Axis::feature: return "feature " + n;
    case Axis::input_feature: return "input feature " + n;
    case Axis::output_feature: return "output feature " + n;
    case Axis::position: return "position " + n;
    case Axis::bias: return "the bias";
    case Axis::sink: return "the sinks";
    case Axis::head_column:
      if (m == "sinks") return "head " + n;
      [[fallthrough]];
    case Axis::kv_head_column: case Axis::value_head_column: {
      const int w = block_width(s, a);
      const bool kv = a == Axis::kv_head_column || (a == Axis::value_head_column && m != "w_o");
      return std::string(kv && s.kv_heads() != s.heads ? "K/V head " : "head ") + std::to_string(i / w) + ", column " +
             std::to_string(i % w);
    }
  }
  return n;
}

std::string axis_words(const Scenario& s, const std::string& m, Axis a) {
  const bool grouped = s.kv_heads() != s.heads;
  switch (a) {
    case Axis::token: return "a token";
    case Axis::context_token: return "a context token";
    case Axis::feature: return "a feature d0…d" + std::to_string(s.d_model() - 1);
    case Axis::input_feature: return "an input feature of x (in 0…" + std::to_string(s.d_model() - 1) + ")";
    case Axis::output_feature: return "an output feature (out 0…" + std::to_string(s.d_model() - 1) + ")";
    case Axis::position: return "a position";
    case Axis::bias: return "the bias, added to every row";
    case Axis::sink: return "the sink logits";
    case Axis::head_column:
      if (m == "sinks") return "a head";
      return "h:c = column c of head h's Q (d_k = " + std::to_string(s.d_k) + " per head)";
    case Axis::kv_head_column:
      return std::string("h:c = column c of ") + (grouped ? "K/V head" : "head") + " h's K (d_k = " + std::to_string(s.d_k) + " per head)";
    case Axis::value_head_column:
      return std::string("h:c = column c of ") + (grouped && m != "w_o" ? "K/V head" : "head") + " h's " +
             (m == "w_o" ? "output (concat)" : "V") + " (d_v = " + std::to_string(s.d_v) + " per head)";
  }
  return "";
}

std::string display_name(const std::string& m) {
  if (m.size() == 3 && m[0] == 'w' && m[1] == '_') return std::string("W_") + static_cast<char>(m[2] - 'a' + 'A');
  return m;
}

}  // namespace

GridLabels grid_labels(const Scenario& s, const std::string& matrix) {
  GridLabels out;
  Axis rows{}, cols{};
  if (!axes_of(s, matrix, rows, cols)) return out;
  for (int i = 0; i < axis_length(s, matrix, rows); ++i) out.rows.push_back(short_label(s, matrix, rows, i));
  for (int j = 0; j < axis_length(s, matrix, cols); ++j) out.cols.push_back(short_label(s, matrix, cols, j));
  out.caption = display_name(matrix) + ": a row is " + axis_words(s, matrix, rows) + "; a column is " + axis_words(s, matrix, cols);
  return out;
}

std::string cell_place(const Scenario& s, const CellAddress& cell) {
  Axis rows{}, cols{};
  const std::string name = display_name(cell.matrix);
  if (!axes_of(s, cell.matrix, rows, cols)) return name + " row " + std::to_string(cell.row) + ", column " + std::to_string(cell.col);
  const bool row_ok = cell.row >= 0 && cell.row < axis_length(s, cell.matrix, rows);
  const bool col_ok = cell.col >= 0 && cell.col < axis_length(s, cell.matrix, cols);
  std::string out = name;
  if (rows == Axis::bias || rows == Axis::sink) out += " (" + long_label(s, cell.matrix, rows, 0) + ")";
  else out += " row " + std::to_string(cell.row) + (row_ok ? " (" + long_label(s, cell.matrix, rows, cell.row) + ")" : "");
  out += ", column " + std::to_string(cell.col) + (col_ok ? " (" + long_label(s, cell.matrix, cols, cell.col) + ")" : "");
  return out;
}

}  // namespace ap::core

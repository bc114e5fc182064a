// What a grid's rows and columns are, in words, for the editor's headers and its messages: x's rows are the
// tokens and its columns the model's features; W_Q's rows are input features and its columns head blocks
// ("h1:0" = head 1's column 0); W_O's rows are the heads' output columns and its columns the output features;
// a bias is one row named "bias". std only.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/scenario_cells.hpp"

namespace ap::core {

struct GridLabels {
  std::vector<std::string> rows, cols;  // short, to fit a cell: "in 3", "h1:0", "out 2", "bias"
  std::string caption;                  // one line: what a row is, what a column is
};

// The labels of grid `matrix` ("x", "context.x", "w_q", "b_q", "positional.learned", ...) of scenario s; empty
// vectors for a name the scenario does not have.
GridLabels grid_labels(const Scenario& s, const std::string& matrix);

// One cell in words: "W_Q row 3 (input feature 3), column 5 (head 2, column 1)", "x row 0 (token q0), column 1".
std::string cell_place(const Scenario& s, const CellAddress& cell);

}  // namespace ap::core

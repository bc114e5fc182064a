// One number of a scenario, by the names the editor and widgetRect use: "x", "context.x", "w_q", "w_k", "w_v",
// "w_o", "b_q" … "b_o", "positional.learned", "mask.allow", "mask.key_valid", "sinks" (a vector's row is 0). Lets an edit
// of one cell be a command (the undo step stores two numbers, not two scenarios) and be checked on its own.
#pragma once

#include <string>

#include "core/scenario.hpp"

namespace ap::core {

struct CellAddress {
  std::string matrix;
  int row = 0, col = 0;

  std::string name() const;  // "x[3][1]", "b_q[2]", "mask.key_valid[4]"
  bool operator==(const CellAddress& o) const { return matrix == o.matrix && row == o.row && col == o.col; }
};

// The value there; throws InputError when the scenario has no such cell.
double read_cell(const Scenario& s, const CellAddress& cell);
// Throws InputError as write_cell would, without writing.
void check_cell(const Scenario& s, const CellAddress& cell, double value);
// Writes `value` there after checking it as validate_scenario would (finite; 0 or 1 for a mask); throws
// InputError naming the cell ("w_k[3][1]: expected a finite number") and leaves the scenario unchanged.
void write_cell(Scenario& s, const CellAddress& cell, double value);

}  // namespace ap::core

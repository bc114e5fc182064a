// Editable grids of numbers (x, W_Q, ...): one input per cell with a stable widget id `name[i][j]`,
// optional tint of each head's column (or row) block. Reports the edited cell; applying it is the caller's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/matrix.hpp"

namespace ap::ui {

struct CellEdit {
  int row = 0, col = 0;
  double value = 0;
  bool merge = false;  // a later keystroke of the same edit: one undo step per edit, not per key
};

struct GridSpec {
  std::string name;                                    // widget id prefix: "x", "w_q", "context.x"
  const core::Matrix* values = nullptr;
  const std::vector<std::string>* row_labels = nullptr;
  int column_block = 0;  // > 0: tint columns in blocks of this width (one block per head)
  int row_block = 0;     // > 0: tint rows in blocks (W_O's rows belong to heads)
};

std::optional<CellEdit> edit_grid(const GridSpec& spec);
std::optional<CellEdit> edit_vector(const std::string& name, const core::RowVector& values, int column_block);

// A combo box whose button is widget `id` and whose options are `id.option.<value>`; returns the chosen index.
std::optional<int> choose(const char* id, const char* label, const std::vector<std::string>& options, int current);

ImVec4 head_tint(int head);

// The grid cell the user last clicked into: where a paste goes (its top-left corner).
struct FocusedCell {
  std::string grid;  // "x", "w_q", "b_q", "context.x", ...
  int row = 0, col = 0;
};
const std::optional<FocusedCell>& focused_cell();

}  // namespace ap::ui

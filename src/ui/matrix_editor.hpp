// Editable grids of numbers (x, W_Q, ...): one input per visible cell with a stable widget id `name[i][j]`,
// rows and columns clipped to what is on screen (a 4096 × 1024 grid costs what its visible part costs), an
// optional editable label per row (the tokens), a header of column labels, and a tint per head's column (or row) block. Reports the edit;
// applying it is the caller's (AppState::edit_cell).
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
  bool merge = false;  // a later keystroke or drag move of the same edit: one undo step per edit, not per key
};

// The text in a cell being typed into (letters included: AppState::edit_cell_text applies a number and refuses
// anything else in one line, instead of the field dropping what it cannot read).
struct CellText {
  int row = 0, col = 0;
  std::string text;
  bool done = false;   // typing ended (Enter, Tab, a click away)
  bool merge = false;  // a later keystroke of the same edit
};

struct LabelEdit {
  int row = 0;
  std::string label;
  bool merge = false;  // a later keystroke of the same rename
};

// The grid cell the user last clicked into: where a paste goes (its top-left corner).
struct FocusedCell {
  std::string grid;  // "x", "w_q", "b_q", "context.x", ...
  int row = 0, col = 0;
};

// What the grids keep between frames (no function statics: STYLE.md).
struct GridState {
  std::optional<FocusedCell> focused;
  ImGuiID editing = 0;        // the cell whose current activation already made an undo step
  ImGuiID editing_label = 0;  // the same for a row label
  ImGuiID typing = 0;         // the cell whose text field is active, and its text as typed so far
  std::string typed;
  double typing_start = 0;    // its value when it was clicked into (Escape goes back to it, every digit)
  ImGuiID dragging = 0;       // the cell being scrubbed by a sideways drag
  double drag_start = 0;      // its value when the drag began
};

struct GridSpec {
  std::string name;  // widget id prefix: "x", "w_q", "context.x"; a vector's cells are name[j]
  const double* values = nullptr;  // rows × cols, row-major
  int rows = 0, cols = 0;
  bool is_vector = false;
  const std::vector<std::string>* row_labels = nullptr;
  const std::vector<std::string>* col_labels = nullptr;
  float label_width = 0;  // > 0: the row labels' column this wide in font sizes (a weight grid and its bias row align)  // a header line above the cells ("in 3", "h1:0", "out 2")
  std::string labels_id;  // non-empty: the labels are text fields with ids labels_id[i] ("tokens")
  int column_block = 0;   // > 0: tint columns in blocks of this width (one block per head)
  int row_block = 0;      // > 0: tint rows in blocks (W_O's rows belong to heads)
};

struct GridEdits {
  std::optional<CellEdit> cell;
  std::optional<CellText> text;
  std::optional<LabelEdit> label;
};

GridSpec grid_of(std::string name, const core::Matrix& m, const std::vector<std::string>* row_labels = nullptr);
GridSpec grid_of(std::string name, const core::RowVector& v);

GridEdits edit_grid(GridState& state, const GridSpec& spec);

// A combo box whose button is widget `id` and whose options are `id.option.<value>`; returns the chosen index.
std::optional<int> choose(const char* id, const char* label, const std::vector<std::string>& options, int current);

ImVec4 head_tint(int head);

}  // namespace ap::ui

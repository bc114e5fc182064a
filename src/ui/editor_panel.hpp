// The scenario editor: presets, tokens, x, heads / d_k / d_v, weights and biases, scale, mask,
// positional encoding, cross-attention context and the backend. A cell or label is one command; every other change goes through AppState::propose.
#pragma once

#include "ui/app_state.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void draw_editor_panel(AppState& state, ViewState& view);

// A grid's edits as commands: a dragged or reverted value through edit_cell, typed text through edit_cell_text
// (a number applied, anything else refused in one line); an edit that applied nothing starts no undo step.
void apply_grid_edits(AppState& state, GridState& grids, const GridSpec& spec, const GridEdits& edits);

}  // namespace ap::ui

// The scenario editor: presets, tokens, x, heads / d_k / d_v, weights and biases, scale, mask,
// positional encoding, cross-attention context and the backend. A cell or label is one command; every other change goes through AppState::propose.
#pragma once

#include "ui/app_state.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void draw_editor_panel(AppState& state, ViewState& view);

}  // namespace ap::ui

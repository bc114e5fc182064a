// The editor's controls for SPEC §1b's fields (kv_heads, ALiBi, soft-cap, sinks, mask fill, precision), each
// with a one-line explanation; drawn by the editor panel below its mask and positional controls.
#pragma once

#include "ui/app_state.hpp"
#include "ui/matrix_editor.hpp"

namespace ap::ui {

void draw_variant_controls(AppState& state, GridState& grids);

}  // namespace ap::ui

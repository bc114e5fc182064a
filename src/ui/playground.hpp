// The whole window: editor on the left, views on the right, status line at the bottom.
// Called once per frame by the platform shell (src/app), the same on the web and the desktop.
#pragma once

#include "ui/app_state.hpp"
#include "ui/views.hpp"

namespace ap::ui {

// ui_scale: 1 at devicePixelRatio 1, 2 at 2: sizes the style (fonts are loaded at that scale by the shell).
void apply_style(float ui_scale);
void draw_playground(AppState& state, ViewState& view);

}  // namespace ap::ui

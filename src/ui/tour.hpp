// The guided tour: the story of attention told over the presets, one step a view.
#pragma once

#include "ui/app_state.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void start_tour(AppState& state, ViewState& view);
void draw_tour(AppState& state, ViewState& view);  // a small window while the tour is open
int tour_length();
const char* tour_target(int step);  // the widget id a step outlines

}  // namespace ap::ui

// The guided tour: the story of attention told over the presets, one step a view.
#pragma once

#include "ui/app_state.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void start_tour(AppState& state, ViewState& view);
void draw_tour(AppState& state, ViewState& view);  // a small window while the tour is open
int tour_length();
const char* tour_target(int step);  // the widget id a step outlines
const char* tour_text(int step);    // what it says (its numbers are checked in tests/ui/tour_numbers_test.cpp)
const char* tour_preset(int step);  // the preset it loads ("": it keeps the scenario on screen)

}  // namespace ap::ui

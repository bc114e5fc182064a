// The playground's views, one per tab: pipeline, scores & weights, heads, scaling lab, geometry,
// masks, positional encodings. Each draws what AppState's trace holds and never computes itself.
#pragma once

#include <string>

#include "ui/app_state.hpp"

namespace ap::ui {

struct ViewState {
  int head = 0;        // the head the single-head views show
  int query_row = 0;   // the row the scaling lab studies
  float temperature = 1.0f;
  int focused_stage = 6;  // pipeline stage shown large (index into the stage list)
  std::string select_tab;  // a view id ("view.mask") to bring to front on the next frame, or empty
  int tour_step = -1;      // the guided tour's step, -1 when it is closed
  std::string current_tab = "view.scores";  // the view on screen (its PNG export is named after it)
  std::string npy_target = "x";             // where an imported .npy goes unless its name says
  float yaw = 0.6f, pitch = 0.45f;          // the geometry view's turn and tilt for d_k = 3 (radians)
};

void draw_views(AppState& state, ViewState& view);

void draw_pipeline_view(AppState& state, ViewState& view);
void draw_attention_view(AppState& state, ViewState& view);
void draw_heads_view(AppState& state, ViewState& view);
void draw_scaling_view(AppState& state, ViewState& view);
void draw_geometry_view(AppState& state, ViewState& view);
void draw_mask_view(AppState& state, ViewState& view);
void draw_positional_view(AppState& state, ViewState& view);

// Shared bits.
void head_selector(const AppState& state, ViewState& view);

}  // namespace ap::ui

// The playground's views, one per tab: pipeline, scores & weights, heads, scaling lab, geometry,
// masks, positional encodings. Each draws what AppState's trace holds and never computes itself.
// Everything the UI keeps between frames lives in ViewState (no function statics).
#pragma once

#include <string>

#include <vector>

#include <cmath>
#include <optional>

#include "core/head_lines.hpp"
#include "core/row_walk.hpp"
#include "core/sweep.hpp"
#include "core/tile_walk.hpp"
#include "core/uniform_attention.hpp"
#include "ui/app_state.hpp"
#include "ui/heatmap.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/variant_state.hpp"
#include "ui/training_service.hpp"
#include "ui/cost_service.hpp"

namespace ap::ui {

// A text shown in a popup to read, select, copy or save (the share link, the PyTorch script).
struct TextPopup {
  std::string title, text, file_name, mime;
  bool too_long = false;        // the share link: offer the JSON file instead
  bool open_requested = false;  // opened on the next draw, from the file bar's own ID scope
};

struct EditorState {
  GridState grids;
  int preset_seed = 1;
  std::string preset;             // id of the preset loaded last ("" when none)
  unsigned preset_revision = 0;   // scenario revision it was loaded at: later edits make it "edited"
  TextPopup popup;
  std::string open_path;          // desktop: the path typed beside Open
};

struct GeometryState {
  int query = -1, key = 0;        // the pair whose numbers are shown (query −1: the row with the most keys)
  float drag_unit = 0;            // pixels per unit, frozen while dragging so the picture does not rescale
  int drag_role = -1, drag_index = -1;  // role 0 = query, 1 = key; -1 = turning or nothing
  bool drag_made_step = false;    // the drag's first change made the undo step; later ones merge
  int labels_overlapping = 0;     // labels the layout could not keep apart (tests: 0)
  std::vector<double> shown_weights;  // the selected query's weights as drawn beside the plane (tests read them)
};

struct MaskPaintState {
  int paint_value = -1;           // while dragging: the value the first cell was set to
  bool stroke_step = false;       // the stroke's first cell made the undo step; the rest merge into it
};

struct PositionalState {
  int query = -1, key = -1, offset = 2;  // the RoPE demo's pair (−1: pick the longest vectors)
  int start = 0;                         // the start position p the plane shows
  core::Matrix similarity;               // PE·PEᵀ of the result with revision similarity_revision
  unsigned similarity_revision = 0;
};

// The Order view (shuffle tokens): the permutation's seed and what the last comparison found (NaN until computed).
struct ShuffleViewState {
  int seed = 1;
  double blind_difference = std::nan("");   // without positions: largest |shuffled output − reordered output|
  double placed_difference = std::nan("");  // with positions
};

// The Average baseline view: core's uniform-attention baseline for the trace on screen, remade when it changes.
struct UniformViewState {
  unsigned revision = ~0u;                 // AppState::revision() it was made for
  std::optional<core::UniformBaseline> baseline;
  std::string refusal;                     // why there is none
};

// The Cost view: the live measurement is started the first time the view opens; the walk is remade when the
// result, the head or the block sizes change; the step on screen and the player.
struct CostViewState {
  bool measurement_started = false;
  int tile_choice = 0;            // index into CostService::tile_choices()
  unsigned revision = ~0u;        // AppState::revision() the walk was made for
  int walk_head = -1, walk_choice = -1;
  std::optional<core::TileWalk> walk;
  std::string refusal;            // why there is no walk
  int step = 0;                   // index into walk->steps
  bool playing = false;
  float since_step = 0;           // seconds since the player's last step
};

// The Step through view: the row walked, the stage on screen and the play clock; the walk itself is core's
// (core/row_walk), remade when the trace, the head or the row changes.
struct StepsViewState {
  int query = -1;                 // −1: the row with the most allowed keys (a causal mask's first row has one)
  int stage = 0;                  // index into walk->stages
  bool playing = false;
  float seconds_per_stage = 1.5f; // the learner's pace
  float elapsed = 0;              // seconds on this stage while playing
  std::optional<core::RowWalk> walk;
  unsigned revision = ~0u;        // AppState::revision() the walk was made for
  int walk_head = -1, walk_query = -1;
};

// The Head view (BertViz): every head overlaid or one, the token under the mouse isolating its lines, and the lines
// core/head_lines chose, remade when what they depend on changes.
struct HeadLinesViewState {
  bool all_heads = true;
  int focus_query = -1, focus_key = -1;    // the hovered token (one at most)
  core::HeadLineSet lines;
  std::uint64_t lines_key = 0;             // what `lines` was chosen for
  std::vector<core::HeadLineSet> thumbnails;  // one per head
  std::vector<int> thumbnail_pool;         // 1, or the overview's pool where a head's weights were not recorded
  std::uint64_t thumbnails_key = 0;
  // The same with no token hovered, kept so that leaving a token does not scan every weight again (N = 4096).
  core::HeadLineSet whole_lines;
  std::uint64_t whole_lines_key = 0;
  std::vector<core::HeadLineSet> whole_thumbnails;
  std::uint64_t whole_thumbnails_key = 0;
};

struct TrainingLabState {
  TrainingSettings settings;  // what Start / Train uses
};

struct ViewState {
  int head = 0;        // the head the single-head views show
  int query_row = -1;  // the row the scaling lab studies (−1: the row with the most keys)
  float temperature = 1.0f;
  int focused_stage = 6;  // pipeline stage shown large (index into the stage list)
  std::string select_tab;  // a view id ("view.mask") to bring to front on the next frame, or empty
  int tour_step = -1;      // the guided tour's step, -1 when it is closed
  int tour_start_seed = 0, tour_start_head = 0;  // the shuffle seed and head when the step began (it notices changes)
  std::string current_tab = "view.scores";  // the view on screen (its PNG export is named after it)
  std::string npy_target = "x";             // where an imported .npy goes unless its name says
  float yaw = 0.6f, pitch = 0.45f;          // the geometry view's turn and tilt for d_k = 3 (radians)
  HeatmapCanvas heatmaps;                   // every heatmap's zoom and pan, and where their textures go
  EditorState editor;
  GeometryState geometry;
  MaskPaintState mask_paint;
  PositionalState positional;
  std::vector<core::SweepPoint> sweep;  // the scaling lab's d_k sweep: random, so computed once
  VariantViewState variants;            // the SPEC §1b views (ui/variant_tabs.hpp)
  TrainingService* training = nullptr;  // the training lab's runs (the platform's trainer), or none
  TrainingLabState training_lab;
  CostService* cost = nullptr;          // the Cost view's measurements and walk (the platform's kernels), or none
  CostViewState cost_view;
  ShuffleViewState shuffle;
  UniformViewState uniform;
  StepsViewState steps;
  HeadLinesViewState head_lines;
};

void draw_views(AppState& state, ViewState& view);

void draw_pipeline_view(AppState& state, ViewState& view);
void draw_attention_view(AppState& state, ViewState& view);
void draw_heads_view(AppState& state, ViewState& view);
void draw_scaling_view(AppState& state, ViewState& view);
void draw_geometry_view(AppState& state, ViewState& view);
void draw_mask_view(AppState& state, ViewState& view);
void draw_positional_view(AppState& state, ViewState& view);
void draw_training_view(AppState& state, ViewState& view);
void draw_shuffle_view(AppState& state, ViewState& view);
void draw_uniform_view(AppState& state, ViewState& view);
void draw_cost_view(AppState& state, ViewState& view);
void draw_steps_view(AppState& state, ViewState& view);
void draw_head_lines_view(AppState& state, ViewState& view);

// Shared bits.
void head_selector(const AppState& state, ViewState& view);

}  // namespace ap::ui

// A labelled heatmap of one matrix at any size: drawn as one texture (uploaded when its numbers change), so a
// frame costs the same at 4096 × 4096 as at 3 × 3; cells, values, hatching and labels are drawn only for what
// is visible once zoomed in far enough to read. Wheel zooms where the cells are too small to read, dragging
// pans, a minimap shows where the view is. The hovered cell is reported back so a view can explain it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/matrix.hpp"
#include "ui/colormap.hpp"
#include "ui/textures.hpp"

namespace ap::ui {

// How values map to colours (core/color_scale.hpp). auto_range: symmetric around 0 for diverging maps, [0, max] for
// sequential ones; unit: [0, 1] (weights: 0.025 stays pale whatever the row's maximum; per matrix when the user asks);
// user: [lo, hi].
using ColorRange = core::RangeRule;

// A rectangle of cells outlined over the map (the Cost view's current tile, the step-through's cells): rows
// [row, row + rows) × columns [col, col + cols); `filled` shades it instead (the tiles already done).
struct HeatmapBox {
  int row = 0, col = 0, rows = 1, cols = 1;
  ImU32 color = IM_COL32(255, 200, 0, 255);
  bool filled = false;
};

struct HeatmapSpec {
  const char* id = "heatmap";        // ImGui id; also names the texture
  std::string title;                 // drawn above, with the shape: "weights  (N × M = 3 × 3)"
  const core::Matrix* values = nullptr;
  const std::vector<std::string>* row_labels = nullptr;  // null: 0, 1, 2 ...
  const std::vector<std::string>* col_labels = nullptr;
  const core::AllowMatrix* allowed = nullptr;            // null: every cell allowed
  ColorMap map = ColorMap::diverging;
  float max_width = 0;   // 0: the available width
  float max_cell = 46;   // largest cell side in unscaled pixels
  bool legend = true;
  bool axis_labels = true;   // token labels (or indices) on both axes
  std::string register_id;   // widget id for widgetRect (cells: register_id[i][j]), or empty
  float max_height = 0;      // 0: about the width (a tall matrix gets smaller cells, not a page-long map)
  bool pan_with_left = true; // false where a left drag means something else (painting a mask)
  ColorRange range = ColorRange::auto_range;
  double user_lo = 0, user_hi = 1;  // ColorRange::user
  std::vector<HeatmapBox> boxes;     // drawn over the cells, clipped to the map
};

struct HeatmapHover {
  int row = -1, col = -1;
  bool clicked = false;
  bool held = false;  // mouse button down over the cell (for painting)
  bool active() const { return row >= 0; }
};

// What one heatmap keeps between frames: the user's zoom and pan, and its texture, made from its numbers a band of
// rows per frame (first the colour range, then the texels) so that no frame carries a whole 4096 × 4096 map.
struct HeatmapState {
  float zoom = 1;                          // 1: the whole matrix fits its box
  double center_row = -1, center_col = -1; // the box's centre in cells (−1: the matrix's centre)
  std::uint64_t content_key = 0;           // the numbers now drawn (labels, range and texture follow them)
  double lo = 0, hi = 1;                   // colour range drawn
  core::ColorRangeChoice range;            // how lo and hi were chosen (the legend says it)
  float row_label_w = 0, col_label_len = 0;
  // The texture under way: phase 1 scans for the range, phase 2 fills texels; 0 when it shows content_key.
  int phase = 0, next_row = 0;
  double scan_lo = 0, scan_hi = 0;
  int pool = 1, tex_w = 0, tex_h = 0;      // cells per texel side; texture size
  bool texture_ready = false;              // the texture holds a whole picture (perhaps of older numbers)
  std::vector<double> overview;            // max-|v| pooled to at most 512 per side, for when a cell is under a pixel
  int overview_pool = 1, overview_w = 0, overview_h = 0;
  bool overview_ready = false;
};

// Shared by every heatmap: where textures go, per-heatmap state, the content revision (a new trace or scenario)
// that tells a heatmap its numbers may have changed, and how many cells may still be coloured this frame.
struct HeatmapCanvas {
  TextureStore* textures = nullptr;
  std::map<std::string, HeatmapState> states;
  unsigned revision = 0;
  long cells_left = 0;                 // this frame's budget (begin_frame)
  long cells_per_frame = 1L << 20;     // about 5 ms of colouring in WebAssembly
  std::vector<std::uint32_t> pixels;   // reused between uploads (page faults cost more than the colours)
  core::ColorScaleSettings colors;     // the palette and the weights' scale, the user's choice for every map
  void begin_frame() { cells_left = cells_per_frame; }
};

HeatmapHover draw_heatmap(HeatmapCanvas& canvas, const HeatmapSpec& spec);

// The longest prefix of `text` (whole UTF-8 characters) that is at most max_width wide, with "…" when cut.
// O(log n) measurements over at most the first 256 bytes, whatever the label's length.
std::string fit_text(const std::string& text, float max_width);

}  // namespace ap::ui

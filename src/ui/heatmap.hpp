// A labelled heatmap of one matrix: token labels on both axes, values in the cells where they fit,
// masked cells hatched, a legend, and the hovered cell reported back so a view can explain it.
#pragma once

#include <string>
#include <vector>

#include "core/matrix.hpp"
#include "ui/colormap.hpp"

namespace ap::ui {

struct HeatmapSpec {
  const char* id = "heatmap";        // ImGui id and, when register_id is set, the widget id
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
  std::string register_id;  // widget id for widgetRect, or empty
};

struct HeatmapHover {
  int row = -1, col = -1;
  bool clicked = false;
  bool held = false;  // mouse button down over the cell (for painting)
  bool active() const { return row >= 0; }
};

HeatmapHover draw_heatmap(const HeatmapSpec& spec);

}  // namespace ap::ui

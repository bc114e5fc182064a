// A small x–y plot drawn with the draw list (ImGui 1.86's PlotLines has one series and no x axis): polylines and
// labelled dots in given ranges, guide lines, the axes' ends labelled. Maps numbers to pixels; computes none.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

namespace ap::ui {

struct PlotSeries {
  std::vector<std::pair<double, double>> points;  // (x, y)
  ImU32 color = IM_COL32(200, 200, 200, 255);
  bool dots = false;                              // dots (with labels, if given) instead of a line
  std::vector<std::string> labels;                // one per dot, shown beside it and when hovered
  std::string name;                               // in the legend below the plot
};

struct PlotSpec {
  const char* id = "plot";   // widget id (widgetRect) and ImGui id
  ImVec2 size{0, 0};         // 0: the available width / 12 font heights
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  bool fit_y = false;        // y from min(0, lowest) to 1.1 × highest point instead of y_lo … y_hi
  std::vector<double> y_guides;  // dim horizontal lines (a cap at ±c)
  std::string x_label, y_label;
};

void draw_plot(const PlotSpec& spec, const std::vector<PlotSeries>& series);

}  // namespace ap::ui

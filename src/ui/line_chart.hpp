// A line chart of a few series on shared axes, drawn with the draw list (ImGui 1.86's PlotLines draws one series
// and has no log axis): the training lab's loss, entropy and gradient curves, each series in its own colour with
// a legend, the axes labelled with their range.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

namespace ap::ui {

struct ChartSeries {
  std::string label;
  std::vector<double> x, y;
  ImU32 color = IM_COL32(230, 230, 230, 255);
};

struct LineChartSpec {
  const char* id = "chart";
  std::string title;
  std::vector<ChartSeries> series;
  bool log_y = false;  // for losses and gradient norms that span decades
  float width = 0, height = 0;  // 0: the available width, 10 lines of text
  bool log_x = false;  // sizes that double (the Cost view's N = 64 … 8192)
  bool dots = false;   // a dot at every point (few points)
};

void draw_line_chart(const LineChartSpec& spec);

ImU32 series_color(int index);  // distinct, colour-blind-safe (Okabe–Ito)

}  // namespace ap::ui

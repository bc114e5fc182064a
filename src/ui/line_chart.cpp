// Line charts (see line_chart.hpp). Only drawing: the numbers are the caller's.
#include "ui/line_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ui/widget_rects.hpp"

namespace ap::ui {

ImU32 series_color(int index) {
  static const ImU32 colors[] = {IM_COL32(230, 159, 0, 255),   IM_COL32(86, 180, 233, 255), IM_COL32(0, 158, 115, 255),
                                 IM_COL32(240, 228, 66, 255),  IM_COL32(204, 121, 167, 255), IM_COL32(213, 94, 0, 255),
                                 IM_COL32(0, 114, 178, 255)};
  return colors[index % 7];
}

void draw_line_chart(const LineChartSpec& spec) {
  const float font = ImGui::GetFontSize();
  if (!spec.title.empty()) ImGui::TextUnformatted(spec.title.c_str());
  const ImVec2 size(spec.width > 0 ? spec.width : ImGui::GetContentRegionAvail().x, spec.height > 0 ? spec.height : 10 * font);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(spec.id, size);
  widget_rects().record_last_item(spec.id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = 3.6f * font, bottom = 1.4f * font;
  const ImVec2 a(o.x + left, o.y + 0.3f * font), b(o.x + size.x - 0.5f * font, o.y + size.y - bottom);
  dl->AddRect(a, b, IM_COL32(110, 110, 110, 255));
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  const auto ty = [&](double y) { return spec.log_y ? std::log10(std::max(y, 1e-12)) : y; };
  const auto tx = [&](double x) { return spec.log_x ? std::log2(std::max(x, 1e-12)) : x; };
  for (const auto& s : spec.series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, tx(s.x[i]));
      x1 = std::max(x1, tx(s.x[i]));
      y0 = std::min(y0, ty(s.y[i]));
      y1 = std::max(y1, ty(s.y[i]));
    }
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  if (!(x1 >= x0)) {
    dl->AddText(ImVec2(a.x + font, a.y + font), text, "no data yet");
    return;
  }
  if (x1 == x0) x1 = x0 + 1;
  if (y1 - y0 < 1e-9) y1 = y0 + (spec.log_y ? 1 : std::max(1e-3, std::fabs(y0) * 0.1 + 1e-3));
  const auto px = [&](double x) { return a.x + static_cast<float>((tx(x) - x0) / (x1 - x0)) * (b.x - a.x); };
  const auto py = [&](double y) { return b.y - static_cast<float>((ty(y) - y0) / (y1 - y0)) * (b.y - a.y); };
  char label[32];
  const auto value_text = [&](double v) {
    std::snprintf(label, sizeof label, spec.log_y ? "%.2g" : "%.3g", spec.log_y ? std::pow(10.0, v) : v);
    return label;
  };
  dl->AddText(ImVec2(o.x, a.y), text, value_text(y1));
  dl->AddText(ImVec2(o.x, b.y - font), text, value_text(y0));
  std::snprintf(label, sizeof label, "%.0f", spec.log_x ? std::exp2(x0) : x0);
  dl->AddText(ImVec2(a.x, b.y + 1), text, label);
  std::snprintf(label, sizeof label, "%.0f", spec.log_x ? std::exp2(x1) : x1);
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(label).x, b.y + 1), text, label);
  float legend_x = a.x + 0.5f * font;
  for (const auto& s : spec.series) {
    for (std::size_t i = 1; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.y[i - 1]) && std::isfinite(s.y[i]))
        dl->AddLine(ImVec2(px(s.x[i - 1]), py(s.y[i - 1])), ImVec2(px(s.x[i]), py(s.y[i])), s.color, 2.0f);
    if (spec.dots)
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
        if (std::isfinite(s.y[i])) dl->AddCircleFilled(ImVec2(px(s.x[i]), py(s.y[i])), 0.22f * font, s.color);
    dl->AddText(ImVec2(legend_x, a.y + 0.2f * font), s.color, s.label.c_str());
    legend_x += ImGui::CalcTextSize(s.label.c_str()).x + font;
  }
}

}  // namespace ap::ui

// The plot (see plot.hpp): an invisible button for hover and widgetRect, a clipped draw list inside it.
#include "ui/plot.hpp"

#include <algorithm>
#include <cmath>

#include "ui/format.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

void draw_plot(const PlotSpec& given, const std::vector<PlotSeries>& series) {
  PlotSpec spec = given;
  if (spec.fit_y) {
    double lo = 0, hi = 0;
    for (const PlotSeries& s : series)
      for (const auto& p : s.points)
        if (std::isfinite(p.second)) {
          lo = std::min(lo, p.second);
          hi = std::max(hi, p.second);
        }
    spec.y_lo = lo;
    spec.y_hi = hi > lo ? lo + 1.1 * (hi - lo) : lo + 1;
  }
  const float font = ImGui::GetFontSize();
  const ImVec2 size(spec.size.x > 0 ? spec.size.x : ImGui::GetContentRegionAvail().x,
                    spec.size.y > 0 ? spec.size.y : 12 * font);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(spec.id, size);
  widget_rects().record_last_item(spec.id);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = 3.5f * font, bottom = 1.4f * font;
  const ImVec2 a(o.x + left, o.y + 0.5f * font), b(o.x + size.x - 0.5f * font, o.y + size.y - bottom);
  const auto px = [&](double x) { return a.x + static_cast<float>((x - spec.x_lo) / (spec.x_hi - spec.x_lo)) * (b.x - a.x); };
  const auto py = [&](double y) { return b.y - static_cast<float>((y - spec.y_lo) / (spec.y_hi - spec.y_lo)) * (b.y - a.y); };
  const ImU32 frame = IM_COL32(120, 120, 120, 255), guide = IM_COL32(75, 75, 80, 255);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddRect(a, b, frame);
  dl->PushClipRect(a, b, true);
  if (spec.y_lo < 0 && spec.y_hi > 0) dl->AddLine(ImVec2(a.x, py(0)), ImVec2(b.x, py(0)), guide);
  if (spec.x_lo < 0 && spec.x_hi > 0) dl->AddLine(ImVec2(px(0), a.y), ImVec2(px(0), b.y), guide);
  for (double y : spec.y_guides) dl->AddLine(ImVec2(a.x, py(y)), ImVec2(b.x, py(y)), IM_COL32(140, 110, 60, 255));
  std::string tip;
  for (const PlotSeries& s : series) {
    if (!s.dots) {
      for (std::size_t i = 1; i < s.points.size(); ++i)
        dl->AddLine(ImVec2(px(s.points[i - 1].first), py(s.points[i - 1].second)),
                    ImVec2(px(s.points[i].first), py(s.points[i].second)), s.color, 2);
      continue;
    }
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const ImVec2 p(px(s.points[i].first), py(s.points[i].second));
      dl->AddCircleFilled(p, 0.3f * font, s.color);
      const std::string label = i < s.labels.size() ? s.labels[i] : "";
      if (!label.empty()) dl->AddText(ImVec2(p.x + 0.35f * font, p.y - 1.1f * font), s.color, label.c_str());
      const ImVec2 m = ImGui::GetIO().MousePos;
      if (hovered && std::fabs(m.x - p.x) < 0.6f * font && std::fabs(m.y - p.y) < 0.6f * font)
        tip = (label.empty() ? "" : label + ": ") + "(" + format_precise(s.points[i].first) + ", " +
              format_precise(s.points[i].second) + ")";
    }
  }
  dl->PopClipRect();
  for (double y : spec.y_guides)
    if (y >= spec.y_lo && y <= spec.y_hi) dl->AddText(ImVec2(o.x, py(y) - font / 2), text, format_cell(y).c_str());
  dl->AddText(ImVec2(o.x, a.y - font / 2), text, format_cell(spec.y_hi).c_str());
  dl->AddText(ImVec2(o.x, b.y - font / 2), text, format_cell(spec.y_lo).c_str());
  dl->AddText(ImVec2(a.x, b.y + 2), text, format_cell(spec.x_lo).c_str());
  const std::string hi = format_cell(spec.x_hi);
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(hi.c_str()).x, b.y + 2), text, hi.c_str());
  if (!spec.x_label.empty()) {
    const float w = ImGui::CalcTextSize(spec.x_label.c_str()).x;
    dl->AddText(ImVec2((a.x + b.x - w) / 2, b.y + 2), text, spec.x_label.c_str());
  }
  if (!spec.y_label.empty()) dl->AddText(ImVec2(a.x + 0.4f * font, a.y + 0.2f * font), text, spec.y_label.c_str());
  if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
  bool first = true;
  for (const PlotSeries& s : series) {
    if (s.name.empty()) continue;
    if (!first) ImGui::SameLine(0, 2 * font);
    first = false;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s %s", s.dots ? "o" : "—", s.name.c_str());
  }
}

}  // namespace ap::ui

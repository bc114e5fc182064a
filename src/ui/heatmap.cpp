// Heatmap drawing with ImDrawList. Sizes follow the font size, so the map is as crisp and as
// readable at devicePixelRatio 2 as at 1.
#include "ui/heatmap.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <imgui.h>

#include "io/export.hpp"
#include "ui/file_bar.hpp"
#include "ui/format.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

std::string label_at(const std::vector<std::string>* labels, int i) {
  if (labels && i < static_cast<int>(labels->size())) return (*labels)[static_cast<std::size_t>(i)];
  return std::to_string(i);
}

std::string clipped(std::string s, float max_width) {
  while (s.size() > 1 && ImGui::CalcTextSize(s.c_str()).x > max_width) s.pop_back();
  return s;
}

// Colour range: symmetric around 0 for diverging maps, [0, max(1e-12, max)] for sequential ones.
std::pair<double, double> value_range(const HeatmapSpec& spec) {
  const core::Matrix& m = *spec.values;
  double lo = 0, hi = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (spec.allowed && !(*spec.allowed)(i, j)) continue;
      lo = std::min(lo, m(i, j));
      hi = std::max(hi, m(i, j));
    }
  if (spec.map == ColorMap::diverging) {
    const double a = std::max({std::fabs(lo), std::fabs(hi), 1e-12});
    return {-a, a};
  }
  return {0.0, std::max(hi, 1e-12)};
}

void draw_legend(ImDrawList* dl, ImVec2 at, float height, float width, ColorMap map, double lo, double hi) {
  const int steps = 24;
  for (int s = 0; s < steps; ++s) {
    const float t0 = static_cast<float>(s) / steps, t1 = static_cast<float>(s + 1) / steps;
    dl->AddRectFilled(ImVec2(at.x, at.y + height * (1 - t1)), ImVec2(at.x + width, at.y + height * (1 - t0)),
                      colormap_color(map, (t0 + t1) / 2));
  }
  dl->AddRect(at, ImVec2(at.x + width, at.y + height), IM_COL32(120, 120, 120, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddText(ImVec2(at.x + width + 4, at.y - 2), text, format_cell(hi).c_str());
  dl->AddText(ImVec2(at.x + width + 4, at.y + height - ImGui::GetFontSize()), text, format_cell(lo).c_str());
}

// Text turned a quarter to the left, reading upwards from `bottom_left`: laid out flat at the corner of the
// clip rectangle (so ImGui's culling keeps every glyph), then its vertices rotated into place (ImGui 1.86
// draws no rotated text). It stays in the window's draw command, so it is clipped with the window.
void add_upright_text(ImDrawList* dl, ImVec2 bottom_left, ImU32 color, const std::string& text) {
  const ImVec2 corner = dl->GetClipRectMin();
  const int first = dl->VtxBuffer.Size;
  dl->AddText(corner, color, text.c_str());
  for (int v = first; v < dl->VtxBuffer.Size; ++v) {
    ImVec2& p = dl->VtxBuffer[v].pos;
    const float dx = p.x - corner.x, dy = p.y - corner.y;
    p = ImVec2(bottom_left.x + dy, bottom_left.y - dx);
  }
}

// "name" for files: the title up to its shape, letters and digits only.
std::string file_stem(const HeatmapSpec& spec) {
  std::string stem;
  const std::string& source = spec.title.empty() ? std::string(spec.id) : spec.title;
  for (char c : source.substr(0, source.find("  ("))) {
    if (std::isalnum(static_cast<unsigned char>(c))) stem += c;
    else if (!stem.empty() && stem.back() != '-') stem += '-';
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  return stem.empty() ? "matrix" : stem;
}

// Right-click on the map: its picture, or its numbers.
void draw_export_menu(const HeatmapSpec& spec, ImVec2 min, ImVec2 max) {
  if (!ImGui::BeginPopupContextItem()) return;
  const std::string stem = file_stem(spec);
  // One context menu is open at a time, so its items have fixed widget ids.
  if (ImGui::Selectable("Save PNG")) request_capture(Rect{min.x, min.y, max.x - min.x, max.y - min.y}, stem + ".png");
  widget_rects().record_last_item("heatmap.menu.png");
  if (ImGui::Selectable("Save CSV")) request_save(stem + ".csv", "text/csv", io::matrix_to_csv(*spec.values));
  widget_rects().record_last_item("heatmap.menu.csv");
  if (ImGui::Selectable("Copy CSV")) request_copy(io::matrix_to_csv(*spec.values), stem + " as CSV");
  widget_rects().record_last_item("heatmap.menu.copy");
  ImGui::EndPopup();
}

}  // namespace

HeatmapHover draw_heatmap(const HeatmapSpec& spec) {
  HeatmapHover hover;
  const core::Matrix& m = *spec.values;
  const ImVec2 top = ImGui::GetCursorScreenPos();  // with the title: the picture "Save PNG" takes
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  if (!spec.title.empty()) ImGui::TextUnformatted(spec.title.c_str());
  if (rows == 0 || cols == 0) {
    ImGui::TextDisabled("(empty)");
    return hover;
  }
  const float font = ImGui::GetFontSize();
  const float scale = font / 15.0f;
  float row_label_w = 0;
  for (int i = 0; i < rows; ++i) row_label_w = std::max(row_label_w, ImGui::CalcTextSize(label_at(spec.row_labels, i).c_str()).x);
  row_label_w = spec.axis_labels ? std::min(row_label_w, 6.5f * font) + 6 * scale : 0.0f;
  const float legend_w = spec.legend ? 4.0f * font : 0.0f;
  const float avail = (spec.max_width > 0 ? spec.max_width : ImGui::GetContentRegionAvail().x) - row_label_w - legend_w;
  const float cell = std::clamp(avail / static_cast<float>(cols), 3.0f * scale, spec.max_cell * scale);
  // Column labels go upright when one is wider than its cell (and thin out when cells are thinner than a
  // line of text), so they never overlap and are never cut to a misleading prefix ("t10" read as "t1").
  float widest = 0;
  for (int j = 0; j < cols && spec.axis_labels; ++j)
    widest = std::max(widest, ImGui::CalcTextSize(label_at(spec.col_labels, j).c_str()).x);
  const bool upright = widest > cell - 2 * scale;
  const float label_len = std::min(widest, 6 * font);
  const int col_stride = std::max(1, static_cast<int>(std::ceil((font + 2) / cell)));
  const int row_stride = col_stride;
  const float header_h = !spec.axis_labels ? 0.0f : upright ? label_len + 6 * scale : font + 4 * scale;
  const ImVec2 size(row_label_w + cell * cols + legend_w, header_h + cell * rows);

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(spec.id, size);
  if (!spec.register_id.empty()) widget_rects().record_last_item(spec.register_id);
  const bool hovered = ImGui::IsItemHovered();
  draw_export_menu(spec, top, ImVec2(origin.x + size.x, origin.y + size.y));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 grid(origin.x + row_label_w, origin.y + header_h);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);

  for (int j = 0; j < cols && spec.axis_labels; j += col_stride) {  // column labels (keys)
    if (upright) {
      const std::string l = clipped(label_at(spec.col_labels, j), label_len);
      add_upright_text(dl, ImVec2(grid.x + j * cell + (cell - font) / 2, grid.y - 3 * scale), text, l);
      continue;
    }
    const std::string l = label_at(spec.col_labels, j);
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    dl->AddText(ImVec2(grid.x + j * cell + (cell - w) / 2, origin.y), text, l.c_str());
  }
  for (int i = 0; i < rows && spec.axis_labels; i += row_stride) {  // row labels (queries)
    const std::string l = clipped(label_at(spec.row_labels, i), row_label_w - 6 * scale);
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    dl->AddText(ImVec2(grid.x - w - 4 * scale, grid.y + i * cell + (cell - font) / 2), text, l.c_str());
  }

  const auto [lo, hi] = value_range(spec);
  const bool show_values = cell >= ImGui::CalcTextSize("-0.000").x + 4 * scale && cell >= font + 2;
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const ImVec2 a(grid.x + j * cell, grid.y + i * cell), b(a.x + cell, a.y + cell);
      const bool allowed = !spec.allowed || (*spec.allowed)(i, j);
      if (!allowed) {  // masked: grey with a diagonal hatch
        dl->AddRectFilled(a, b, IM_COL32(70, 70, 74, 255));
        dl->AddLine(a, b, IM_COL32(110, 110, 116, 255), 1.0f * scale);
        continue;
      }
      const double v = m(i, j);
      const float t = static_cast<float>((v - lo) / (hi - lo));
      const ImU32 bg = colormap_color(spec.map, t);
      dl->AddRectFilled(a, b, bg);
      if (show_values) {
        // A value too wide for its cell (1.5e-07) is left to the tooltip rather than spilling over.
        const std::string s = format_cell(v);
        const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
        if (ts.x <= cell - 2 * scale)
          dl->AddText(ImVec2(a.x + (cell - ts.x) / 2, a.y + (cell - ts.y) / 2), text_color_on(bg), s.c_str());
      }
    }
  }
  dl->AddRect(grid, ImVec2(grid.x + cols * cell, grid.y + rows * cell), IM_COL32(90, 90, 90, 255));
  if (spec.legend)
    draw_legend(dl, ImVec2(grid.x + cols * cell + 8 * scale, grid.y), std::min(rows * cell, 8 * font), 0.9f * font,
                spec.map, lo, hi);

  if (hovered) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const int j = static_cast<int>(std::floor((mouse.x - grid.x) / cell));
    const int i = static_cast<int>(std::floor((mouse.y - grid.y) / cell));
    if (i >= 0 && i < rows && j >= 0 && j < cols) {
      hover.row = i;
      hover.col = j;
      hover.clicked = ImGui::IsMouseClicked(ImGuiMouseButton_Left);
      hover.held = ImGui::IsMouseDown(ImGuiMouseButton_Left);
      const ImVec2 a(grid.x + j * cell, grid.y + i * cell);
      dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), IM_COL32(255, 200, 0, 255), 0, 0, 2 * scale);
    }
  }
  if (!spec.register_id.empty())
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) {
        const ImVec2 a(grid.x + j * cell, grid.y + i * cell);
        widget_rects().record(spec.register_id + "[" + std::to_string(i) + "][" + std::to_string(j) + "]", a,
                              ImVec2(a.x + cell, a.y + cell));
      }
  return hover;
}

}  // namespace ap::ui

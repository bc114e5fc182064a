// Grid editing with ImGui::InputDouble: typing applies live, Escape reverts, Tab moves to the next cell,
// dragging sideways scrubs the value.
#include "ui/matrix_editor.hpp"

#include <cmath>

#include <imgui.h>

#include "ui/widget_rects.hpp"

namespace ap::ui {

ImVec4 head_tint(int head) {
  static const ImVec4 tints[] = {{0.20f, 0.28f, 0.45f, 1}, {0.42f, 0.26f, 0.22f, 1}, {0.22f, 0.38f, 0.26f, 1},
                                 {0.38f, 0.26f, 0.42f, 1}, {0.40f, 0.38f, 0.20f, 1}, {0.20f, 0.38f, 0.40f, 1}};
  return tints[head % 6];
}

namespace {

std::optional<FocusedCell>& last_focused() {
  static std::optional<FocusedCell> cell;
  return cell;
}

// Drag a cell sideways to scrub its value: 0.01 a pixel (Shift: 0.1), from the value at the press, rounded
// to 1e-6 so the numbers stay readable. The cell's text field is left as the drag starts: an active
// field re-applies its own text every frame and would undo the drag.
std::optional<double> drag_value(ImGuiID cell_id, double current) {
  static ImGuiID dragging = 0;
  static double start = 0;
  if (dragging != cell_id) {
    if (!ImGui::IsItemActive() || !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.4f * ImGui::GetFontSize()))
      return std::nullopt;
    dragging = cell_id;
    start = current;
    ImGui::SetWindowFocus(nullptr);  // leaves the text field (no public ClearActiveID in ImGui 1.86)
  }
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    dragging = 0;
    return std::nullopt;
  }
  const double per_pixel = (ImGui::GetIO().KeyShift ? 0.1 : 0.01) * 15.0 / ImGui::GetFontSize();  // per CSS pixel
  const double value = std::round((start + ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x * per_pixel) * 1e6) / 1e6;
  if (value == current) return std::nullopt;
  return value;
}

std::optional<CellEdit> edit_cells(const std::string& name, const double* data, int rows, int cols,
                                   const std::vector<std::string>* row_labels, int column_block, int row_block,
                                   bool is_vector) {
  std::optional<CellEdit> edit;
  const float font = ImGui::GetFontSize();
  const float cell_w = 4.2f * font;
  float label_w = 0;
  if (row_labels)
    for (const auto& l : *row_labels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x);
  label_w = std::min(label_w, 6 * font);
  ImGui::PushID(name.c_str());
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(2, 2));
  for (int i = 0; i < rows; ++i) {
    if (row_labels) {
      const std::string& l = (*row_labels)[static_cast<std::size_t>(i)];
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(l.c_str());
      ImGui::SameLine(label_w + ImGui::GetStyle().WindowPadding.x + 4);
    }
    for (int j = 0; j < cols; ++j) {
      if (j > 0) ImGui::SameLine();
      const int block = column_block > 0 ? j / column_block : (row_block > 0 ? i / row_block : -1);
      if (block >= 0) ImGui::PushStyleColor(ImGuiCol_FrameBg, head_tint(block));
      double v = data[static_cast<std::size_t>(i) * cols + j];
      ImGui::PushID(i * 4096 + j);
      ImGui::SetNextItemWidth(cell_w);
      static ImGuiID editing = 0;  // the cell whose current activation already made an undo step
      const ImGuiID cell_id = ImGui::GetID("##cell");
      // Four significant digits fit the cell; the tooltip shows every digit, and typed text keeps all of its own.
      const bool changed = ImGui::InputDouble("##cell", &v, 0.0, 0.0, "%.4g");
      if (ImGui::IsItemActivated()) editing = 0;
      if (ImGui::IsItemActive()) last_focused() = FocusedCell{name, i, j};
      if (changed) {
        edit = CellEdit{i, j, v, editing == cell_id};
        editing = cell_id;
      }
      if (const auto dragged = drag_value(cell_id, data[static_cast<std::size_t>(i) * cols + j])) {
        edit = CellEdit{i, j, *dragged, editing == cell_id};
        editing = cell_id;
      }
      const std::string id = is_vector ? name + "[" + std::to_string(j) + "]"
                                       : name + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
      widget_rects().record_last_item(id);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s = %.17g", id.c_str(), data[static_cast<std::size_t>(i) * cols + j]);
      ImGui::PopID();
      if (block >= 0) ImGui::PopStyleColor();
    }
  }
  ImGui::PopStyleVar();
  ImGui::PopID();
  return edit;
}

}  // namespace

const std::optional<FocusedCell>& focused_cell() { return last_focused(); }

std::optional<CellEdit> edit_grid(const GridSpec& spec) {
  const core::Matrix& m = *spec.values;
  return edit_cells(spec.name, m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()), spec.row_labels,
                    spec.column_block, spec.row_block, false);
}

std::optional<CellEdit> edit_vector(const std::string& name, const core::RowVector& values, int column_block) {
  return edit_cells(name, values.data(), 1, static_cast<int>(values.cols()), nullptr, column_block, 0, true);
}

std::optional<int> choose(const char* id, const char* label, const std::vector<std::string>& options, int current) {
  std::optional<int> chosen;
  ImGui::SetNextItemWidth(11 * ImGui::GetFontSize());
  const char* preview = current >= 0 && current < static_cast<int>(options.size()) ? options[static_cast<std::size_t>(current)].c_str() : "";
  const std::string combo_label = std::string(label) + "##" + id;
  const bool open = ImGui::BeginCombo(combo_label.c_str(), preview);
  widget_rects().record_last_item(id);
  if (open) {
    for (int i = 0; i < static_cast<int>(options.size()); ++i) {
      if (ImGui::Selectable(options[static_cast<std::size_t>(i)].c_str(), i == current)) chosen = i;
      widget_rects().record_last_item(std::string(id) + ".option." + options[static_cast<std::size_t>(i)]);
    }
    ImGui::EndCombo();
  }
  return chosen;
}

}  // namespace ap::ui

// Grid editing with ImGui::InputText: a typed number applies live, other text is reported (never dropped), Escape reverts, Tab moves to the next cell,
// dragging sideways scrubs the value. Rows go through ImGuiListClipper, columns are cut to the scrolled view.
#include "ui/matrix_editor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "ui/format.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

ImVec4 head_tint(int head) {
  static const ImVec4 tints[] = {{0.20f, 0.28f, 0.45f, 1}, {0.42f, 0.26f, 0.22f, 1}, {0.22f, 0.38f, 0.26f, 1},
                                 {0.38f, 0.26f, 0.42f, 1}, {0.40f, 0.38f, 0.20f, 1}, {0.20f, 0.38f, 0.40f, 1}};
  return tints[head % 6];
}

GridSpec grid_of(std::string name, const core::Matrix& m, const std::vector<std::string>* row_labels) {
  GridSpec g;
  g.name = std::move(name);
  g.values = m.data();
  g.rows = static_cast<int>(m.rows());
  g.cols = static_cast<int>(m.cols());
  g.row_labels = row_labels;
  return g;
}

GridSpec grid_of(std::string name, const core::RowVector& v) {
  GridSpec g;
  g.name = std::move(name);
  g.values = v.data();
  g.rows = 1;
  g.cols = static_cast<int>(v.cols());
  g.is_vector = true;
  return g;
}

namespace {

// Drag a cell sideways to scrub its value: 0.01 a pixel (Shift: 0.1), from the value at the press, rounded
// to 1e-6 so the numbers stay readable. The cell's text field is left as the drag starts: an active
// field re-applies its own text every frame and would undo the drag.
std::optional<double> drag_value(GridState& g, ImGuiID cell_id, double current) {
  if (g.dragging != cell_id) {
    if (!ImGui::IsItemActive() || !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.4f * ImGui::GetFontSize()))
      return std::nullopt;
    g.dragging = cell_id;
    g.drag_start = current;
    ImGui::SetWindowFocus(nullptr);  // leaves the text field (no public ClearActiveID in ImGui 1.86)
  }
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    g.dragging = 0;
    return std::nullopt;
  }
  const double per_pixel = (ImGui::GetIO().KeyShift ? 0.1 : 0.01) * 15.0 / ImGui::GetFontSize();  // per CSS pixel
  const double value = std::round((g.drag_start + ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x * per_pixel) * 1e6) / 1e6;
  if (value == current) return std::nullopt;
  return value;
}

std::string cell_id(const GridSpec& spec, int i, int j) {
  return spec.is_vector ? spec.name + "[" + std::to_string(j) + "]"
                        : spec.name + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
}

// A reveal request (widgetRect on a cell not drawn) for this grid: the cell it names.
bool revealed_cell(const GridSpec& spec, int& i, int& j) {
  const std::string& r = widget_rects().reveal();
  if (r.compare(0, spec.name.size() + 1, spec.name + "[") != 0) return false;
  const char* rest = r.c_str() + spec.name.size();
  char tail = 0;
  if (spec.is_vector) {
    i = 0;
    if (std::sscanf(rest, "[%d]%c", &j, &tail) != 1) return false;
  } else if (std::sscanf(rest, "[%d][%d]%c", &i, &j, &tail) != 2) {
    return false;
  }
  return i >= 0 && j >= 0 && i < spec.rows && j < spec.cols;
}

void edit_label(GridState& g, const GridSpec& spec, int i, float width, GridEdits& edits) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", (*spec.row_labels)[static_cast<std::size_t>(i)].c_str());
  ImGui::SetNextItemWidth(width);
  const ImGuiID id = ImGui::GetID("##label");
  if (ImGui::InputText("##label", buf, sizeof buf)) {
    edits.label = LabelEdit{i, buf, g.editing_label == id};
    g.editing_label = id;
  }
  if (ImGui::IsItemActivated()) g.editing_label = 0;
  widget_rects().record_last_item(spec.labels_id + "[" + std::to_string(i) + "]");
}

}  // namespace

GridEdits edit_grid(GridState& g, const GridSpec& spec) {
  GridEdits edits;
  if (spec.rows == 0 || spec.cols == 0) return edits;
  const float font = ImGui::GetFontSize();
  const float cell_w = 4.2f * font;
  const float spacing = 2;
  const float pitch = cell_w + spacing;
  const bool labels = spec.row_labels != nullptr;
  const bool editable_labels = labels && !spec.labels_id.empty();
  float label_w = 0;
  if (editable_labels) {
    label_w = 4.2f * font;
  } else if (labels) {
    for (std::size_t r = 0; r < spec.row_labels->size() && r < 512; ++r)  // enough to size the column
      label_w = std::max(label_w, ImGui::CalcTextSize((*spec.row_labels)[r].c_str()).x);
    label_w = std::min(label_w, 6 * font);
  }
  if (labels && spec.label_width > 0) label_w = spec.label_width * font;
  int reveal_i = -1, reveal_j = -1;
  const bool revealing = revealed_cell(spec, reveal_i, reveal_j);

  ImGui::PushID(spec.name.c_str());
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing, spacing));
  const float x0 = ImGui::GetCursorPosX();
  const float cells_x0 = x0 + (labels ? label_w + 2 * spacing : 0.0f);
  const float view_left = ImGui::GetScrollX(), view_right = view_left + ImGui::GetWindowWidth();
  const int first_col = std::clamp(static_cast<int>(std::floor((view_left - cells_x0) / pitch)), 0, spec.cols - 1);
  const int last_col = std::clamp(static_cast<int>(std::ceil((view_right - cells_x0) / pitch)) + 1, first_col + 1, spec.cols);
  if (revealing && (reveal_j < first_col || reveal_j >= last_col - 1))
    ImGui::SetScrollX(cells_x0 + reveal_j * pitch - ImGui::GetWindowWidth() / 2);

  if (spec.col_labels) {  // the visible columns' labels, each centred over its cell
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float base = at.x - x0;  // window x of the cursor's column 0
    for (int j = first_col; j < last_col && j < static_cast<int>(spec.col_labels->size()); ++j) {
      const std::string& text = (*spec.col_labels)[static_cast<std::size_t>(j)];
      const float w = std::min(ImGui::CalcTextSize(text.c_str()).x, cell_w);
      ImGui::GetWindowDrawList()->AddText(ImVec2(base + cells_x0 + j * pitch + (cell_w - w) / 2, at.y), dim, text.c_str());
    }
    ImGui::Dummy(ImVec2(1, ImGui::GetTextLineHeight()));
  }

  ImGuiListClipper clipper;
  clipper.Begin(spec.rows, ImGui::GetFrameHeight() + spacing);
  if (revealing) clipper.ForceDisplayRangeByIndices(reveal_i, reveal_i + 1);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      ImGui::PushID(i);
      if (editable_labels) {
        edit_label(g, spec, i, label_w, edits);
      } else if (labels) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted((*spec.row_labels)[static_cast<std::size_t>(i)].c_str());
      }
      for (int j = first_col; j < last_col; ++j) {
        if (labels || j > first_col) ImGui::SameLine(cells_x0 + j * pitch);
        else ImGui::SetCursorPosX(cells_x0 + j * pitch);
        const int block = spec.column_block > 0 ? j / spec.column_block : (spec.row_block > 0 ? i / spec.row_block : -1);
        if (block >= 0) ImGui::PushStyleColor(ImGuiCol_FrameBg, head_tint(block));
        const double stored = spec.values[static_cast<std::size_t>(i) * spec.cols + j];
        ImGui::PushID(j);
        ImGui::SetNextItemWidth(cell_w);
        const ImGuiID id = ImGui::GetID("##cell");
        // Four significant digits fit the cell; the tooltip shows every digit. While typed into, the field is given
        // its own text back (an active field whose text differs from the one passed re-applies it every frame).
        char buf[64];
        if (g.typing == id) std::snprintf(buf, sizeof buf, "%s", g.typed.c_str());
        else std::snprintf(buf, sizeof buf, "%.4g", stored);
        const bool changed = ImGui::InputText("##cell", buf, sizeof buf, ImGuiInputTextFlags_AutoSelectAll);
        const bool escaped = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
        if (ImGui::IsItemActivated()) {
          g.editing = 0;
          g.typing = id;
          g.typed = buf;
          g.typing_start = stored;
        }
        if (ImGui::IsItemActive()) g.focused = FocusedCell{spec.name, i, j};
        if (changed && g.typing == id && !escaped) {
          g.typed = buf;
          edits.text = CellText{i, j, buf, false, g.editing == id};
          g.editing = id;
        }
        if (ImGui::IsItemDeactivated() && g.typing == id) {
          if (escaped) {  // back to the value before, not to its four-digit text
            if (g.editing == id && stored != g.typing_start) edits.cell = CellEdit{i, j, g.typing_start, true};
          } else if (g.editing == id) {
            // typed and ended within one frame (keys faster than frames): the edit set just above starts a new
            // undo step, and ending it must not turn that into a merge with the previous cell's step
            const bool merge = !(edits.text && edits.text->row == i && edits.text->col == j && !edits.text->merge);
            edits.text = CellText{i, j, g.typed, true, merge};
          }
          g.typing = 0;
          g.typed.clear();
        }
        if (const auto dragged = drag_value(g, id, stored)) {
          edits.cell = CellEdit{i, j, *dragged, g.editing == id};
          g.editing = id;
          g.typing = 0;  // the drag left the field
        }
        const std::string name = cell_id(spec, i, j);
        widget_rects().record_last_item(name);
        if (ImGui::IsItemHovered()) {
          std::string where;
          if (spec.row_labels && i < static_cast<int>(spec.row_labels->size())) where = (*spec.row_labels)[static_cast<std::size_t>(i)];
          if (spec.col_labels && j < static_cast<int>(spec.col_labels->size()))
            where += (where.empty() ? "" : ", ") + (*spec.col_labels)[static_cast<std::size_t>(j)];
          ImGui::SetTooltip("%s = %s%s%s%s", name.c_str(), format_exact(stored).c_str(), where.empty() ? "" : "  (",
                            where.c_str(), where.empty() ? "" : ")");
        }
        ImGui::PopID();
        if (block >= 0) ImGui::PopStyleColor();
      }
      // The whole row's width, so the horizontal scrollbar spans every column, drawn or not.
      ImGui::SameLine(cells_x0 + spec.cols * pitch - 1);
      ImGui::Dummy(ImVec2(1, ImGui::GetFrameHeight()));
      ImGui::PopID();
    }
  }
  ImGui::PopStyleVar();
  ImGui::PopID();
  return edits;
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

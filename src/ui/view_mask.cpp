// Masks: the allow matrix drawn over the scores; in custom mode each cell is painted by click and drag.
// Rows with nothing allowed are flagged with the reason.
#include <imgui.h>

#include "ui/heatmap.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void draw_mask_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const bool paintable = s.mask.allow.has_value();
  ImGui::TextWrapped(paintable ? "Custom mask: click or drag over cells to toggle them (grey = not allowed)."
                               : "Choose \"custom (paint)\" in the mask menu to paint cells. Grey = not allowed.");
  HeatmapSpec spec{"##maskpaint", "allowed keys over the scaled scores  (N × M)", &t.heads[static_cast<std::size_t>(view.head)].scaled,
                   &s.query.tokens, &s.keys().tokens, &t.allowed};
  spec.max_cell = 52;
  spec.register_id = "mask.cell";
  spec.pan_with_left = false;  // a left drag paints
  const HeatmapHover hover = draw_heatmap(view.heatmaps, spec);
  MaskPaintState& paint = view.mask_paint;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    paint.paint_value = -1;
    paint.stroke_step = false;
  }
  if (paintable && hover.active() && hover.held) {
    const std::uint8_t current = (*s.mask.allow)(hover.row, hover.col);
    if (paint.paint_value < 0) paint.paint_value = current ? 0 : 1;
    if (current != paint.paint_value &&
        !state.edit_cell({"mask.allow", hover.row, hover.col}, paint.paint_value, paint.stroke_step))
      paint.stroke_step = true;
  }
  for (int r : t.empty_rows)
    ImGui::TextColored(ImVec4(1, 0.65f, 0.3f, 1), "row %d (%s): no key allowed, so its weights and output are zero.", r,
                       s.query.tokens[static_cast<std::size_t>(r)].c_str());
}

}  // namespace ap::ui

// Masks: the rule (its parts in words) drawn as the allowed cells over the scaled scores, and beside it the
// weights that result; in custom or combined-with-painted mode each cell is painted by click and drag. A rule can
// be turned into a painted mask that starts from its own cells. Rows with nothing allowed are flagged with the reason.
#include <optional>
#include <string>

#include <imgui.h>

#include "core/mask_kind.hpp"
#include "ui/explain_tooltip.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

void draw_mask_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const bool paintable = s.mask.allow.has_value();
  // Proposed once this frame's maps are drawn: a proposal may recompute at once, and the maps below read the
  // trace of the scenario they were laid out for.
  std::optional<core::Scenario> painted;
  text_wrapped_visible("mask: %s", core::mask_parts_text(s.mask).c_str());
  widget_rects().record_last_item("view.mask.parts");
  if (paintable) {
    text_wrapped_visible("Click or drag over the left map's cells to allow or hide them (grey = hidden); the weights on the right follow.");
  } else {
    if (ImGui::Button("paint this mask")) {  // a painted mask that starts from the cells this rule allows
      painted = s;  // a combined mask keeps its other parts and gains painted cells
      painted->mask = core::mask_kind(s.mask) == core::MaskKind::combined ? core::with_mask_part(s, core::MaskPart::painted, true)
                                                                           : core::mask_of_kind(core::MaskKind::custom, s);
    }
    widget_rects().record_last_item("view.mask.paint");
    ImGui::SameLine();
    text_wrapped_visible(core::mask_kind(s.mask) == core::MaskKind::combined
                             ? "adds a painted part to the other parts, starting from the cells allowed now (grey = hidden)."
                             : "turns the rule into painted cells, starting from the cells it allows now (grey = hidden).");
  }
  const float half = ImGui::GetContentRegionAvail().x * 0.5f - 8;
  ImGui::BeginGroup();
  HeatmapSpec spec{"##maskpaint", "allowed keys over the scaled scores  (N × M)", &h.scaled, &s.query.tokens, &s.keys().tokens, &t.allowed};
  spec.max_cell = 52;
  spec.max_width = half;
  spec.register_id = "mask.cell";
  spec.pan_with_left = false;  // a left drag paints
  const HeatmapHover hover = draw_heatmap(view.heatmaps, spec);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec weights{"##maskweights", "the weights that result: softmax over the allowed keys  (N × M)", &h.weights,
                      &s.query.tokens, &s.keys().tokens, &t.allowed, ColorMap::sequential};
  weights.max_cell = 52;
  weights.max_width = half;
  weights.range = ColorRange::unit;
  weights.register_id = "mask.weights";
  const HeatmapHover hw = draw_heatmap(view.heatmaps, weights);
  ImGui::EndGroup();
  if (hw.active()) explain_tooltip(s, t, cell_id("weights", view.head, hw.row, hw.col));

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
  if (paintable && hover.active()) {  // a painted cell that another part hides says so
    const std::string note = core::painted_cell_note(s, hover.row, hover.col);
    if (!note.empty()) ImGui::SetTooltip("%s", note.c_str());
  }
  for (int r : t.empty_rows)
    ImGui::TextColored(ImVec4(1, 0.65f, 0.3f, 1), "row %d (%s): no key allowed, so its weights and output are zero.", r,
                       s.query.tokens[static_cast<std::size_t>(r)].c_str());
  if (painted) state.propose(std::move(*painted));
}

}  // namespace ap::ui

// Multi-head: every head's weights as small multiples, each head's output, the concatenation, W_O and
// the final output; a weight and an output cell explain themselves on hover (ui/explain_tooltip).
#include <imgui.h>

#include "ui/explain_tooltip.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void draw_heads_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  ImGui::Text("h = %d heads, d_k = %d, d_v = %d, d_model = %d%s", s.heads, s.d_k, s.d_v, s.d_model(),
              s.heads * s.d_k != s.d_model() ? "   (d_k ≠ d_model / h: allowed)" : "");
  const float font = ImGui::GetFontSize();
  const float avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, static_cast<int>(avail / (16 * font)));
  const float width = avail / static_cast<float>(per_row) - 10;
  for (int h = 0; h < s.heads; ++h) {
    if (h % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const auto& ht = t.heads[static_cast<std::size_t>(h)];
    const std::string id = "##heads_w" + std::to_string(h);
    // A large layer keeps every weight only for the head on screen; the others show their weights max-pooled.
    const bool pooled = ht.weights.size() == 0;
    HeatmapSpec w{id.c_str(),
                  "head " + std::to_string(h) + " weights" +
                      (pooled ? "  (max of " + std::to_string(ht.overview_pool) + "×" + std::to_string(ht.overview_pool) + ")" : ""),
                  pooled ? &ht.weights_overview : &ht.weights, pooled ? nullptr : &s.query.tokens,
                  pooled ? nullptr : &s.keys().tokens, pooled ? nullptr : &t.allowed, ColorMap::sequential};
    w.range = ColorRange::unit;
    w.max_width = width;
    w.legend = false;
    w.register_id = "view.heads[" + std::to_string(h) + "]";
    const HeatmapHover hover = draw_heatmap(view.heatmaps, w);
    if (hover.clicked) view.head = h;
    if (hover.active() && !pooled) explain_tooltip(s, t, cell_id("weights", h, hover.row, hover.col));
    ImGui::EndGroup();
  }
  ImGui::Separator();
  HeatmapSpec concat{"##concat", "concat of head outputs  (N × h·d_v = " + std::to_string(s.n()) + " × " +
                                     std::to_string(s.heads * s.d_v) + ")", &t.concat, &s.query.tokens};
  draw_heatmap(view.heatmaps, concat);
  HeatmapSpec wo{"##wo", "W_O  (h·d_v × d_model)", &s.w_o};
  wo.max_cell = 30;
  draw_heatmap(view.heatmaps, wo);
  HeatmapSpec out{"##out", "output = concat · W_O + b_O  (N × d_model)", &t.output, &s.query.tokens};
  const HeatmapHover hover = draw_heatmap(view.heatmaps, out);
  if (hover.active()) explain_tooltip(s, t, cell_id("output", hover.row, hover.col));
}

}  // namespace ap::ui

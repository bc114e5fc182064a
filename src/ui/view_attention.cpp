// Scores & weights: one head's Q·Kᵀ, its scaled and masked form, the softmax weights and the weighted
// sum of values, every cell explained term by term on hover (ui/explain_tooltip).
#include <imgui.h>

#include "core/number_text.hpp"
#include "ui/explain_tooltip.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"

namespace ap::ui {

namespace {

// "t2 → t0" for a tooltip's last line.
std::string pair_note(const core::Scenario& s, int i, int j) {
  return "query " + s.query.tokens[static_cast<std::size_t>(i)] + " → key " + s.keys().tokens[static_cast<std::size_t>(j)];
}

}  // namespace

void draw_attention_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const std::string nm = std::to_string(s.n()) + " × " + std::to_string(s.m());
  const float half = ImGui::GetContentRegionAvail().x * 0.5f - 8;

  ImGui::BeginGroup();
  HeatmapSpec scores{"##scores", "Q·Kᵀ scores  (N × M = " + nm + ")", &h.scores, &s.query.tokens, &s.keys().tokens};
  scores.max_width = half;
  scores.register_id = "cell.scores";
  const HeatmapHover hs = draw_heatmap(view.heatmaps, scores);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec weights{"##weights", "softmax weights  (N × M = " + nm + ")", &h.weights, &s.query.tokens, &s.keys().tokens,
                      &t.allowed, ColorMap::sequential};
  weights.max_width = half;
  weights.range = ColorRange::unit;
  weights.register_id = "cell.weights";
  const HeatmapHover hw = draw_heatmap(view.heatmaps, weights);
  ImGui::EndGroup();
  if (hs.active()) explain_tooltip(s, t, cell_id("scores", view.head, hs.row, hs.col), pair_note(s, hs.row, hs.col));
  if (hw.active()) explain_tooltip(s, t, cell_id("weights", view.head, hw.row, hw.col), pair_note(s, hw.row, hw.col));

  ImGui::BeginGroup();
  HeatmapSpec scaled{"##scaled", "scaled × " + format_precise(t.scale) + ", masked  (N × M)", &h.scaled, &s.query.tokens,
                     &s.keys().tokens, &t.allowed};
  scaled.max_width = half;
  const HeatmapHover hc = draw_heatmap(view.heatmaps, scaled);
  if (hc.active()) {
    const bool more = s.variants.alibi || s.variants.softcap;
    const std::string note = "scaled = " + core::number_text(h.scaled(hc.row, hc.col)) + " (score × " +
                             core::number_text(t.scale) + (more ? ", then ALiBi / softcap" : "") + ")" +
                             (t.allowed(hc.row, hc.col) ? "" : "; masked: the softmax never sees it");
    explain_tooltip(s, t, cell_id("scores", view.head, hc.row, hc.col), pair_note(s, hc.row, hc.col) + "; " + note);
  }
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec out{"##headout", "weights · V  (N × d_v = " + std::to_string(s.n()) + " × " + std::to_string(s.d_v) + ")",
                  &h.output, &s.query.tokens};
  out.max_width = half;
  out.register_id = "cell.head_output";
  const HeatmapHover ho = draw_heatmap(view.heatmaps, out);
  if (ho.active()) explain_tooltip(s, t, cell_id("out", view.head, ho.row, ho.col));
  ImGui::EndGroup();

  if (!t.empty_rows.empty()) {
    std::string rows;
    for (int r : t.empty_rows) rows += (rows.empty() ? "" : ", ") + s.query.tokens[static_cast<std::size_t>(r)];
    ImGui::TextColored(ImVec4(1, 0.65f, 0.3f, 1),
                       "Rows with no allowed key: %s. Their weights and output are all zero (softmax over nothing is "
                       "undefined; we return zeros, never NaN).",
                       rows.c_str());
  }
  HeatmapSpec output{"##output", "layer output = concat · W_O + b_O  (N × d_model)", &t.output, &s.query.tokens};
  output.register_id = "cell.output";
  const HeatmapHover hl = draw_heatmap(view.heatmaps, output);
  if (hl.active()) explain_tooltip(s, t, cell_id("output", hl.row, hl.col));
}

}  // namespace ap::ui

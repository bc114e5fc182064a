// Scores & weights: one head's Q·Kᵀ, its scaled and masked form, the softmax weights and the weighted
// sum of values, with every score explained term by term on hover.
#include <imgui.h>

#include "core/explain.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"

namespace ap::ui {

namespace {

void explain_score(const core::Trace& trace, const core::Scenario& s, int head, int i, int j) {
  const core::ScoreTerms t = core::score_terms(trace, head, i, j);
  const auto& qt = s.query.tokens[static_cast<std::size_t>(i)];
  const auto& kt = s.keys().tokens[static_cast<std::size_t>(j)];
  ImGui::BeginTooltip();
  ImGui::Text("score(%s → %s) = q_%d · k_%d = Σ_c q_c·k_c", qt.c_str(), kt.c_str(), i, j);
  std::string sum;
  for (std::size_t c = 0; c < t.products.size() && c < 16; ++c)
    sum += (c ? " + " : "") + std::string("(") + format_cell(t.q[c]) + "·" + format_cell(t.k[c]) + ")";
  if (t.products.size() > 16) sum += " + … (" + std::to_string(t.products.size() - 16) + " more terms)";
  ImGui::TextUnformatted(sum.c_str());
  ImGui::Text("= %s", format_precise(t.score).c_str());
  ImGui::Text("scaled: %s × %s = %s", format_precise(trace.scale).c_str(), format_precise(t.score).c_str(),
              format_precise(t.scaled).c_str());
  if (!t.allowed) ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "masked: this key is not allowed (−∞ before softmax)");
  const auto& h = trace.heads[static_cast<std::size_t>(head)];
  ImGui::Separator();
  ImGui::Text("row %d softmax:", i);
  for (Eigen::Index c = 0; c < h.weights.cols(); ++c) {
    ImGui::Text("  %-10s %s%s", s.keys().tokens[static_cast<std::size_t>(c)].c_str(), format_precise(h.weights(i, c)).c_str(),
                c == j ? "   ◀" : "");
  }
  ImGui::EndTooltip();
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
  if (hs.active()) explain_score(t, s, view.head, hs.row, hs.col);
  if (hw.active()) explain_score(t, s, view.head, hw.row, hw.col);

  ImGui::BeginGroup();
  HeatmapSpec scaled{"##scaled", "scaled × " + format_precise(t.scale) + ", masked  (N × M)", &h.scaled, &s.query.tokens,
                     &s.keys().tokens, &t.allowed};
  scaled.max_width = half;
  const HeatmapHover hc = draw_heatmap(view.heatmaps, scaled);
  if (hc.active()) explain_score(t, s, view.head, hc.row, hc.col);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec out{"##headout", "weights · V  (N × d_v = " + std::to_string(s.n()) + " × " + std::to_string(s.d_v) + ")",
                  &h.output, &s.query.tokens};
  out.max_width = half;
  draw_heatmap(view.heatmaps, out);
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
  draw_heatmap(view.heatmaps, output);
}

}  // namespace ap::ui
